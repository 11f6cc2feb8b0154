package org.jstackless.durable;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Where durable tasklets' checkpoints live: one row per tasklet id, replaced as a whole by each
 * commit. Implementations: {@link FileStore} (a local directory, the default).
 *
 * <p>Contract, relied on by {@link DurableRuntime}: {@link #commit} is atomic (after a crash at
 * any moment, either every row of it is visible or none is) and durable when it returns; it is
 * fenced (a row is accepted only if its {@code seq} is the stored one plus one, or 1 for an id the
 * store does not hold; otherwise the whole commit is refused with a {@link StaleCheckpointException}
 * and nothing is written).
 */
public interface DurableStore extends AutoCloseable {
    /** Every row, as of the last complete commit (purged rows excluded). */
    Collection<Checkpoint> rows();

    /** The row of {@code id}, or null. */
    Checkpoint row(String id);

    /**
     * Writes {@code rows} atomically and durably, each replacing its id's row ({@link DurableState#PURGED}
     * deletes it); returns the commit's transaction number (increasing).
     *
     * @throws StaleCheckpointException if a row's seq is not the stored one plus one (nothing written)
     * @throws IOException              if the store cannot write (then the store is unusable; reopen it)
     */
    long commit(List<Checkpoint> rows) throws IOException;

    /** Releases the store; commits made are durable. */
    @Override
    void close() throws IOException;
}
