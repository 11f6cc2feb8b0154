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
        }
        return t;
    }

    /** Rows and commits since the last reset: {rows, commits}. */
    synchronized long[] counts() {
        return new long[] {rows, count};
    }

    synchronized void reset() {
        rows = 0;
        count = 0;
        commits.clear();
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
