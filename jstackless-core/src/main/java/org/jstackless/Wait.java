package org.jstackless;

/**
 * What a tasklet waits for outside the scheduler: a blocking call on the pool, a timer or a future.
 * Allocated only while it waits, so idle tasklets do not pay for it.
 */
final class Wait implements Comparable<Wait> {
    final Tasklet tasklet;
    /** For timers: when to wake, in {@link System#nanoTime()} units. */
    final long deadline;
    final long seq;
    /** The result handed back by another thread (a {@link Bomb} for an exception). */
    Object result;
    /** The pool thread running an interruptible blocking call, interrupted by kill(). */
    volatile Thread worker;
    final boolean interruptible;
    /** An await of a future (else a blocking call, when not a timer): for dumps. */
    boolean future;
    /** Set by the worker once the blocking call runs (it may first queue for a permit): for dumps. */
    volatile boolean started;

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
