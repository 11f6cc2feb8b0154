package org.jstackless.durable.bench;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.DurableStore;

/** A store that times each commit of the store under it (write and flush: fsync or the SQL transaction). */
final class TimedStore implements DurableStore {
    final DurableStore store;
    final Latencies commits = new Latencies();
    private long rows;
    private long count;
    private long bytes;

    TimedStore(DurableStore store) {
        this.store = store;
    }

    @Override
    public Collection<Checkpoint> rows() {
        return store.rows();
    }

    @Override
    public Checkpoint row(String id) {
        return store.row(id);
    }

    @Override
    public long commit(List<Checkpoint> batch) throws IOException {
        long t0 = System.nanoTime();
        long t = store.commit(batch);
        commits.add(System.nanoTime() - t0);
        synchronized (this) {
            rows += batch.size();
            count++;
            for (Checkpoint c : batch) {
                bytes += c.pickle().length;
            }
        }
        return t;
    }

    /** Rows, commits and their (sealed) pickles' bytes since the last reset: {rows, commits, bytes}. */
    synchronized long[] counts() {
        return new long[] {rows, count, bytes};
    }

    synchronized void reset() {
        rows = 0;
        count = 0;
        bytes = 0;
        commits.clear();
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
