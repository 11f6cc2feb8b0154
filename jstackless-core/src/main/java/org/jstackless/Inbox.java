package org.jstackless;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * What other threads hand one scheduler: outcomes of waits ({@link Wait}), tasklets woken by a
 * cross-thread rendezvous, and requests on its tasklets ({@link Request}). Any thread posts; only
 * the owner thread drains.
 *
 * <p>Algorithm: a lock-free MPSC queue plus a volatile "non-empty" hint and the parked owner
 * thread. The owner publishes itself in {@code parked} before it re-checks the hint and parks; a
 * poster sets the hint after enqueueing and then unparks {@code parked}. Both fields are volatile,
 * so whichever of the two goes second sees the other: a post is never missed by a parking owner.
 */
final class Inbox {
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean nonEmpty;
    private volatile Thread parked;
    /**
     * The owner's readiness poller once it has one (set by the owner, never unset): the owner then
     * waits in the poller's select instead of parking, and {@link #wake()} wakes that.
     */
    volatile IoPoller poller;

    /** Any thread: enqueues {@code item} and wakes the owner if it is parked. */
    void post(Object item) {
        queue.add(item);
        nonEmpty = true;
        wake();
    }

    /** Any thread: wakes the owner if it is parked (nothing is posted). */
    void wake() {
        Thread t = parked;
        if (t != null) {
            IoPoller p = poller;
            if (p != null) {
                p.wakeup();
            } else {
                LockSupport.unpark(t);
            }
        }
    }

    /** Any thread: whether the owner waits in {@link #park} now (idle). */
    boolean isParked() {
        return parked != null;
    }

    /** A cheap hint that {@link #poll()} may return something. */
    boolean nonEmpty() {
        return nonEmpty;
    }

    /** Owner: call before a round of {@link #poll()}, so that a post during the round sets it again. */
    void clearHint() {
        nonEmpty = false;
    }

    /** Owner: the next item, or null. */
    Object poll() {
        return queue.poll();
    }

    /**
     * Owner: parks until something is posted, {@link #wake()} is called, or {@code nanos} pass
     * (a negative value: no limit). Returns true if the thread was interrupted meanwhile (the flag
     * is cleared so that parking keeps working; the caller restores it).
     */
    boolean park(Object blocker, long nanos) {
        parked = Thread.currentThread();
        try {
            IoPoller p = poller;
            if (!nonEmpty && p != null) {
                p.block(nanos);
            } else if (!nonEmpty) {
                if (nanos < 0) {
                    LockSupport.park(blocker);
                } else if (nanos > 0) {
                    LockSupport.parkNanos(blocker, nanos);
                }
            }
        } finally {
            parked = null;
        }
        return Thread.interrupted();
    }
}
