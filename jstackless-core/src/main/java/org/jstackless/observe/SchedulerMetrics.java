package org.jstackless.observe;

import javax.management.ConstructorParameters;

/**
 * One scheduler's counts, as {@link TaskletsMXBean#getSchedulers()} reports them (read without
 * stopping the scheduler, so a busy one's counts may be a switch apart from each other).
 */
public final class SchedulerMetrics {
    private final String thread;
    private final long alive;
    private final long runnable;
    private final long blocked;
    private final long waiting;
    private final long switches;
    private final long steals;

    /** The counts of the scheduler of thread {@code thread}. */
    @ConstructorParameters({"thread", "alive", "runnable", "blocked", "waiting", "switches", "steals"})
    public SchedulerMetrics(String thread, long alive, long runnable, long blocked, long waiting, long switches,
            long steals) {
        this.thread = thread;
        this.alive = alive;
        this.runnable = runnable;
        this.blocked = blocked;
        this.waiting = waiting;
        this.switches = switches;
        this.steals = steals;
    }

    /** The scheduler's thread's name. */
    public String getThread() {
        return thread;
    }

    /** Tasklets alive that the scheduler knows: runnable + blocked + waiting + main when not in the run queue. */
    public long getAlive() {
        return alive;
    }

    /** Tasklets in the run queue, the running one included. */
    public long getRunnable() {
        return runnable;
    }

    /** Tasklets blocked on channels. */
    public long getBlocked() {
        return blocked;
    }

    /** Tasklets waiting for a blocking call, a timer or a future. */
    public long getWaiting() {
        return waiting;
    }

    /** Switches since the scheduler started. */
    public long getSwitches() {
        return switches;
    }

    /** Tasklets moved between this carrier and others of its pool (taken from a peer, adopted, or handed to an idle one). */
    public long getSteals() {
        return steals;
    }
}
