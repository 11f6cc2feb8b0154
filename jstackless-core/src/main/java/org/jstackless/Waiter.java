package org.jstackless;

/**
 * One tasklet's wait in one channel's queue (Go's {@code sudog}): the record, not the tasklet, is
 * linked into the queue, so a tasklet in a {@link Select} waits in several queues at once.
 *
 * <p>A plain {@code send}/{@code receive} uses the record every tasklet is: {@link Tasklet} extends
 * this class, so its first record costs no object of its own (a parked tasklet stays small), and
 * the value it sends stays in the tasklet's tempval, as in Stackless. A select uses one
 * {@link SelectWaiter} per case, which carries the case's value and its select.
 *
 * <p>Invariants: {@code channel != null} exactly while the record is in that channel's queue;
 * {@code channel}, {@code after}, {@code before} and {@code dir} change only under that channel's
 * lock.
 */
class Waiter {
    /** How a record left its queue when a partner took it (see {@link #how}). */
    static final byte MATCHED = 1;
    static final byte MOVED = 2;
    /** Added to {@link #how} when the record's tasklet belongs to another thread than the partner's. */
    static final byte REMOTE = 4;

    /** The channel whose queue holds this record; null while it is in none. */
    Channel<?> channel;
    /** Links in {@code channel}'s queue, FIFO, null-terminated (named apart from a tasklet's ring links). */
    Waiter after;
    Waiter before;
    /** +1 waits to send, -1 waits to receive. */
    byte dir;
    /**
     * Set by the partner that dequeued it, under the lock: {@link #MATCHED} (a rendezvous: the
     * partner's preference decides who runs) or {@link #MOVED} (its value went into a buffer; it
     * just wakes), plus {@link #REMOTE}. Read only under that same lock.
     */
    byte how;

    /** The waiting tasklet: a plain wait's record is the tasklet itself; {@link SelectWaiter} overrides. */
    Tasklet tasklet() {
        return (Tasklet) this;
    }

    /** The value a waiting sender offers. */
    Object sending() {
        return tasklet().tempval;
    }
}
