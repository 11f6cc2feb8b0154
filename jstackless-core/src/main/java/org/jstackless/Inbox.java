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
    /**
     * Owner only: until when {@link #park} spins for a post before it sleeps (0: no spin). Set by
     * {@link #expectPost} when a blocking call was handed to a pool thread, whose result often comes
     * back within microseconds: sleeping and being woken would cost more than the call.
     */
    private long spinUntil;
    /** Owner only: how long the next spin may be. */
    private final SpinBudget spin = new SpinBudget();
    /** The owner spins in {@link #park}: idle, as when parked (read by the blocked-carrier detector). */
    private volatile boolean spinning;

    /** Owner: a post is expected soon (a blocking call was submitted): the next parks spin first. */
    void expectPost() {
        spinUntil = System.nanoTime() + spin.nanos(); // bounded: a long call costs at most this
    }

    /**
     * Owner: spins until something is posted (true), or the spin time since {@link #expectPost} or
     * {@code nanos} (negative: no limit) run out (false). Nobody is unparked or woken meanwhile:
     * the owner is not published as parked, so a poster only enqueues and sets the hint.
     */
    private boolean spinForPost(long nanos) {
        spinning = true;
        try {
            return spinLoop(nanos);
        } finally {
            spinning = false;
        }
    }

    private boolean spinLoop(long nanos) {
        long now = System.nanoTime();
        long until = spinUntil;
        if (nanos > 0 && until - (now + nanos) > 0) {
            until = now + nanos;
        }
        int i = 0;
        while (!nonEmpty) {
            if ((++i & 15) == 0) {
                if (System.nanoTime() - until >= 0) {
                    spin.ranOut();
                    spinUntil = 0;
                    return false;
                }
                if (i > 256) {
                    // Past the first microseconds: on a machine with more runnable threads than cores
                    // the thread that will post may be waiting for this core; let it have it.
                    Thread.yield();
                }
            }
            Thread.onSpinWait();
        }
        spin.paidOff();
        return true;
    }

    /** Any thread: enqueues {@code item} and wakes the owner if it is parked. */
    void post(Object item) {
        queue.add(item);
        nonEmpty = true;
        wake();
    }

    /**
     * Any thread: makes the owner look at its sources again (its pool backlog got work) without
     * posting an item: the hint is set before the owner is woken, so an owner about to park or
     * spinning in {@link #park} sees it, as it would see a post.
     */
    void nudge() {
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
        return parked != null || spinning;
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
        if (spinUntil != 0 && nanos != 0 && spinForPost(nanos)) {
            return Thread.interrupted();
        }
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
