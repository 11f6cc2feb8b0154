package org.jstackless.sync;

import org.jstackless.Suspendable;

/**
 * A condition variable bound to a {@link Lock}: a tasklet holding the lock {@link #await()}s until
 * another one {@link #signal()}s, releasing the lock while it waits and holding it again when
 * {@code await} returns. As with every condition variable, wait in a loop that re-checks the
 * condition.
 *
 * <pre>{@code
 * Lock lock = new Lock();
 * Condition nonEmpty = new Condition(lock);
 * // consumer                                  // producer
 * lock.acquire();                              lock.acquire();
 * try {                                        try {
 *     while (items.isEmpty()) {                    items.add(x);
 *         nonEmpty.await();                        nonEmpty.signal();
 *     }                                        } finally {
 *     use(items.remove(0));                        lock.release();
 * } finally {                                  }
 *     lock.release();
 * }
 * }</pre>
 *
 * <p>Waiters are woken in arrival order. A waiter that is killed or thrown into leaves the queue
 * (a signal already meant for it goes to the next waiter) and holds the lock again before the
 * exception propagates, as {@code await} always returns holding it.
 */
public final class Condition {
    private final Lock lock;
    private final WaitQueue queue = new WaitQueue(this);

    /** A condition of {@code lock}. */
    public Condition(Lock lock) {
        this.lock = java.util.Objects.requireNonNull(lock, "a condition needs its lock");
    }

    /** The lock this condition belongs to. */
    public Lock lock() {
        return lock;
    }

    /**
     * Releases the lock, suspends the calling tasklet until signalled, then takes the lock back.
     *
     * @throws IllegalStateException if the calling tasklet does not hold the lock
     */
    public void await() throws Suspendable {
        lock.checkHeld("await");
        boolean wasAtomic = WaitQueue.atomic();
        try {
            WaitQueue.Waiter w = enlist();
            int holds = lock.releaseAll();
            try {
                queue.park(w, this::passOn);
            } finally {
                lock.reacquire(holds);
            }
        } finally {
            WaitQueue.restore(wasAtomic);
        }
    }

    /**
     * Wakes the longest waiting tasklet, if any; it runs once the signaller releases the lock.
     *
     * @throws IllegalStateException if the calling tasklet does not hold the lock
     */
    public void signal() throws Suspendable {
        lock.checkHeld("signal");
        passOn();
    }

    /**
     * Wakes every waiting tasklet.
     *
     * @throws IllegalStateException if the calling tasklet does not hold the lock
     */
    public void signalAll() throws Suspendable {
        lock.checkHeld("signalAll");
        boolean wasAtomic = WaitQueue.atomic();
        try {
            for (WaitQueue.Waiter w : pickAll()) {
                WaitQueue.wake(w);
            }
        } finally {
            WaitQueue.restore(wasAtomic);
        }
    }

    /** The tasklets waiting in {@link #await()} that no signal is on its way to yet. */
    public synchronized int waiting() {
        return queue.waiting();
    }

    /** Wakes one waiter if there is one (also: a signal meant for a waiter that left goes on). */
    private void passOn() throws Suspendable {
        boolean wasAtomic = WaitQueue.atomic();
        try {
            WaitQueue.wake(pickOne());
        } finally {
            WaitQueue.restore(wasAtomic);
        }
    }

    private synchronized WaitQueue.Waiter enlist() {
        return queue.enlist();
    }

    private synchronized WaitQueue.Waiter pickOne() {
        return queue.pickOne();
    }

    private synchronized java.util.List<WaitQueue.Waiter> pickAll() {
        return queue.pickAll();
    }

    // ---------------------------------------------------------------- pickling (SyncCodecs)

    /** Its waiters. */
    WaitQueue queue() {
        return queue;
    }
}
