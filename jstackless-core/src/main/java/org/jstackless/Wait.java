package org.jstackless;

/**
 * What a tasklet waits for outside the scheduler: a blocking call on the pool, a timer, a future
 * or a socket.
 * Allocated only while it waits, so idle tasklets do not pay for it.
 */
final class Wait implements Comparable<Wait> {
    final Tasklet tasklet;
    /** For timers: when to wake, in {@link System#nanoTime()} units. */
    final long deadline;
    final long seq;
    /** For timers: in its scheduler's {@link Timers} and not cancelled (owner thread only). */
    boolean inTimers;
    /** The result handed back by another thread (a {@link Bomb} for an exception). */
    Object result;
    /** The pool thread running an interruptible blocking call, interrupted by kill(). */
    volatile Thread worker;
    final boolean interruptible;
    /** An await of a future (else a blocking call, when not a timer): for dumps. */
    boolean future;
    /** A blocking call on the pool ({@link BlockingPool}): cancellable until it starts. */
    boolean pooled;
    /** The pool thread waiting for a permit for this call, interrupted when the call is cancelled. */
    volatile Thread permitWaiter;
    /** For a pooled call: 0 queued, 1 started, 2 cancelled (by a kill while queued). */
    private volatile int state;
    private static final java.lang.invoke.VarHandle STATE;

    static {
        try {
            STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Wait.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Pool thread: the call starts now; false if it was cancelled. */
    boolean start() {
        return STATE.compareAndSet(this, 0, 1);
    }

    /** Owner: cancels a call that has not started; false if it has. */
    boolean cancelQueued() {
        return STATE.compareAndSet(this, 0, 2);
    }

    boolean isCancelled() {
        return state == 2;
    }

    /** The pooled call runs (it may first have queued for a permit): for dumps. */
    boolean isStarted() {
        return state == 1;
    }

    /** For a socket wait ({@link IoPoller}): the socket; such a wait ends at once on kill/throwInto. */
    org.jstackless.internal.io.IoHandle io;
    /** For a socket wait: its key's slot ({@link IoPoller.Slot}), the operations, the key. */
    Object slot;
    int ops;
    java.nio.channels.SelectionKey key;

    /** Neighbours in its scheduler's list of parked waits ({@code Waits.all}), owner thread only. */
    Wait allPrev;
    Wait allNext;

    Wait(Tasklet tasklet, long deadline, long seq, boolean interruptible) {
        this.tasklet = tasklet;
        this.deadline = deadline;
        this.seq = seq;
        this.interruptible = interruptible;
    }

    boolean isTimer() {
        return deadline != Long.MIN_VALUE;
    }

    @Override
    public int compareTo(Wait o) {
        int c = Long.compare(deadline - o.deadline, 0);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }
}
