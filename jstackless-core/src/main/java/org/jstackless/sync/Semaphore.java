package org.jstackless.sync;

import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * A counting semaphore for tasklets: {@link #acquire()} takes a permit or suspends the calling
 * tasklet (only it: the other tasklets of its thread keep running) until one is released to it.
 * Waiters are served in arrival order, and a released permit goes straight to the longest waiter.
 * Tasklets of any thread may share it.
 *
 * <pre>{@code
 * Semaphore slots = new Semaphore(2);   // at most two tasklets inside at once
 * slots.acquire();
 * try {
 *     fetch(url);                       // may switch; other tasklets queue in acquire()
 * } finally {
 *     slots.release();
 * }
 * }</pre>
 *
 * <p>A waiting tasklet is blocked on a channel: {@link Tasklet#isBlocked()} is true, it can be
 * killed or thrown into (it then leaves the queue, and a permit already handed to it goes to the
 * next waiter), and the deadlock rules apply as to any channel. {@code release()} never waits for a
 * permit, but it may suspend its caller for the short moment until a waiter that has just decided
 * to wait arrives in the queue. Not reentrant, and without owners: any tasklet may release.
 */
public final class Semaphore {
    /** Guarded by this object's monitor, as is the waiters' count in {@link #queue}. */
    private int permits;
    private final WaitQueue queue = new WaitQueue(this);
    /** The lock this is the permit of (null: a semaphore of its own); pickling keeps the two together. */
    Lock lock;

    static {
        SyncCodecs.contribute(); // this package's pickled kinds (the pickler initialises this class first)
    }

    /** A semaphore with {@code permits} permits (zero or more). */
    public Semaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("a semaphore needs zero or more permits, not " + permits);
        }
        this.permits = permits;
    }

    /** Takes a permit, suspending the calling tasklet until one is free. */
    public void acquire() throws Suspendable {
        // Atomic from the decision to wait until blocked: no preemption between the two steps.
        boolean wasAtomic = WaitQueue.atomic();
        try {
            WaitQueue.Waiter w = takeOrEnlist();
            if (w != null) {
                queue.park(w, this::release); // the permit is handed over with the token
            }
        } finally {
            WaitQueue.restore(wasAtomic);
        }
    }

    /** Takes a permit if one is free now; never suspends. */
    public synchronized boolean tryAcquire() {
        if (permits > 0) {
            permits--;
            return true;
        }
        return false;
    }

    /** Returns a permit: to the longest waiting tasklet if there is one, else to the pool. */
    public void release() throws Suspendable {
        boolean wasAtomic = WaitQueue.atomic();
        try {
            WaitQueue.wake(handOverOrKeep());
        } finally {
            WaitQueue.restore(wasAtomic);
        }
    }

    /** The permits free now. */
    public synchronized int availablePermits() {
        return permits;
    }

    /** The tasklets waiting in {@link #acquire()} that no permit is on its way to yet. */
    public synchronized int waiting() {
        return queue.waiting();
    }

    /** Null if a permit was taken; else the caller waits with the returned record. */
    private synchronized WaitQueue.Waiter takeOrEnlist() {
        if (permits > 0) {
            permits--;
            return null;
        }
        return queue.enlist();
    }

    /** The waiter that gets the permit (the caller then wakes it), or null: the permit is kept. */
    private synchronized WaitQueue.Waiter handOverOrKeep() {
        WaitQueue.Waiter w = queue.pickOne();
        if (w == null) {
            permits++;
        }
        return w;
    }

    @Override
    public synchronized String toString() {
        return "Semaphore[permits=" + permits + ", waiting=" + queue.waiting() + "]";
    }

    // ---------------------------------------------------------------- pickling (SyncCodecs)

    /** Its waiters. */
    WaitQueue queue() {
        return queue;
    }

    /** Unpickling: sets the permits of this fresh semaphore. */
    synchronized void restorePermits(int n) {
        permits = n;
    }
}
