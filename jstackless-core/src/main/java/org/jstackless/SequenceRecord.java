package org.jstackless;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The record a {@link Pickler} keeps of the newest pickle it loaded of each tasklet, so that it
 * refuses a replayed or older one ({@link ReplayedPickleException}).
 *
 * <p>Every pickle carries its tasklet's <em>identity</em> (32 hex digits, random when the
 * tasklet is first pickled; a tasklet loaded from a pickle keeps the identity) and a
 * <em>sequence number</em> per identity: 1 for the first pickle, one more for each next one,
 * continuing after a load from the loaded pickle's number. Loading asks {@link #lastSeen} early
 * (to fail fast) and calls {@link #advance} once nothing can fail any more.
 *
 * <p>The default, {@link #inMemory()}, forgets everything when the JVM ends; a durable
 * implementation (a table keyed by identity) makes the check survive restarts. Implementations
 * must be thread-safe: several threads may load at once.
 */
public interface SequenceRecord {
    /** The highest sequence number recorded for {@code tasklet}, or 0 when none is. */
    long lastSeen(String tasklet);

    /**
     * Atomically: if {@code sequence} is above the recorded one for {@code tasklet} (or none is
     * recorded), records it and returns true; otherwise changes nothing and returns false.
     */
    boolean advance(String tasklet, long sequence);

    /** A record in this JVM's memory (one entry per tasklet identity loaded). */
    static SequenceRecord inMemory() {
        return new SequenceRecord() {
            private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();

            @Override
            public long lastSeen(String tasklet) {
                return last.getOrDefault(tasklet, 0L);
            }

            @Override
            public boolean advance(String tasklet, long sequence) {
                boolean[] moved = {false};
                last.compute(tasklet, (k, old) -> {
                    if (old == null || sequence > old) {
                        moved[0] = true;
                        return sequence;
                    }
                    return old;
                });
                return moved[0];
            }
        };
    }
}
