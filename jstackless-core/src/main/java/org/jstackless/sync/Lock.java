package org.jstackless.sync;

import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * A reentrant mutual-exclusion lock owned by a <em>tasklet</em>, not by a thread: while one
 * tasklet holds it, another tasklet — of the same thread or of another — that calls
 * {@link #acquire()} is suspended until the lock is handed to it; the holder may acquire it again
 * and must release it as many times. Use it where a {@code synchronized} block or a
 * {@link java.util.concurrent.locks.ReentrantLock} would be held across a switch: those belong to
 * the thread, which all its tasklets share.
 *
 * <pre>{@code
 * Lock lock = new Lock();
 * lock.acquire();
 * try {
 *     balance = read();        // may switch: other tasklets wait in acquire()
 *     write(balance + amount);
 * } finally {
 *     lock.release();
 * }
 * }</pre>
 *
 * <p>Waiters are served in arrival order; a waiting tasklet is blocked on a channel and may be
 * killed or thrown into (it then leaves the queue). Built on a {@link Semaphore} of one permit.
 */
public final class Lock {
    private final Semaphore permit = new Semaphore(1);
    /** The holder, or null; written only by the holder (and by the tasklet it hands over to). */
    private volatile Tasklet owner;
    /** How many times the owner has acquired it; read and written only by the owner. */
    private int holds;

    /** An unlocked lock. */
    public Lock() {
        permit.lock = this;
    }

    /** Takes the lock, suspending the calling tasklet while another tasklet holds it. */
    public void acquire() throws Suspendable {
        Tasklet me = Stackless.current();
        if (owner == me) {
            holds++;
            return;
        }
        permit.acquire();
        owner = me;
        holds = 1;
    }

    /** Takes the lock if it is free (or already the caller's); never suspends. */
    public boolean tryAcquire() {
        Tasklet me = Stackless.current();
        if (owner == me) {
            holds++;
            return true;
        }
        if (permit.tryAcquire()) {
            owner = me;
            holds = 1;
            return true;
        }
        return false;
    }

    /**
     * Releases one hold; the last one hands the lock to the longest waiting tasklet.
     *
     * @throws IllegalStateException if the calling tasklet does not hold the lock
     */
    public void release() throws Suspendable {
        checkHeld("release");
        if (--holds == 0) {
            owner = null;
            permit.release();
        }
    }

    /** Whether the calling tasklet holds the lock. */
    public boolean isHeldByCurrent() {
        return owner == Stackless.current();
    }

    /** Whether some tasklet holds the lock. */
    public boolean isLocked() {
        return owner != null;
    }

    /** The holder, or null. */
    public Tasklet owner() {
        return owner;
    }

    /** Condition: the caller must hold it; drops every hold and returns how many there were. */
    int releaseAll() throws Suspendable {
        checkHeld("await");
        int n = holds;
        holds = 0;
        owner = null;
        permit.release();
        return n;
    }

    /** Condition: takes the lock back with the holds it had. */
    void reacquire(int n) throws Suspendable {
        acquire();
        holds = n;
    }

    void checkHeld(String what) {
        Tasklet me = Stackless.current();
        if (owner != me) {
            Tasklet o = owner;
            throw new IllegalStateException(what + "() by " + me + ", but the lock is "
                    + (o == null ? "not held" : "held by " + o) + ": only the tasklet that acquired it may do that");
        }
    }

    @Override
    public String toString() {
        Tasklet o = owner;
        return "Lock[" + (o == null ? "unlocked" : "held by " + o) + "]";
    }

    // ---------------------------------------------------------------- pickling (SyncCodecs)

    /** The semaphore of one permit behind this lock. */
    Semaphore permit() {
        return permit;
    }

    /** How many times the holder acquired it. */
    int holds() {
        return holds;
    }

    /** Unpickling: makes {@code holder} hold this fresh lock {@code holds} times (its permit taken). */
    void restoreHeld(Tasklet holder, int holds) {
        if (holder != null) {
            permit.restorePermits(0);
        }
        this.owner = holder;
        this.holds = holds;
    }
}
