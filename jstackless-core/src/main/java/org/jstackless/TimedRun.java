package org.jstackless;

import org.jstackless.internal.soft.Preemption;
import org.jstackless.internal.soft.runtime.Ticks;
import org.jstackless.internal.switching.Carrier;

/**
 * Preemption (spec §6): the state of one scheduler's outermost timed {@link Stackless#run()} —
 * Stackless's interrupt watchdog — and the decisions it takes when woven code runs out of ticks and
 * at every switch while it lasts.
 *
 * <p>State: the watchdog (the tasklet inside the timed run), the slice of ticks each tasklet gets,
 * the run's flags, and the tasklet a hard interrupt took the thread from. Owner thread only.
 * Invariants: a scheduler's {@code timed} is non-null exactly from the start of its outermost timed
 * run until that run returns (or a fault resets the carrier); nested runs ignore their budget; a
 * tasklet's {@code PENDING_IRQ} flag is set only while a timed run is active, and an interrupt that
 * fell due while the running tasklet could not be interrupted fires at its next switch or at the
 * first tick after its atomic section.
 */
final class TimedRun {
    /** Woven code that runs out of ticks lands here, on the thread whose budget expired. */
    private static final Ticks.Handler TICKS = () -> {
        Carrier c = Carrier.peek();
        if (c != null && c.tasklets() instanceof Scheduler s && s.timed != null) {
            s.timed.tickExpired(s);
        }
    };

    /** The tasklet inside the timed run(): it gets the thread back when a tasklet is interrupted. */
    final Tasklet watchdog;
    private final long slice;
    private final boolean softIrq;
    private final boolean totalTimeout;
    private final boolean ignoreNesting;
    /** The tasklet a hard interrupt took the thread from: the timed run() returns it, out of the queue. */
    Tasklet interrupted;

    private TimedRun(Tasklet watchdog, RunOptions o) {
        this.watchdog = watchdog;
        this.slice = o.tickBudget();
        this.softIrq = o.isSoft();
        this.totalTimeout = o.isTotalTimeout();
        this.ignoreNesting = o.isIgnoreNesting();
    }

    /** {@code me} enters run(o): starts a timed run if {@code o} has a budget and none is active. */
    static void begin(Scheduler s, Tasklet me, RunOptions o) {
        if (o.tickBudget() > 0 && s.timed == null) {
            s.timed = new TimedRun(me, o);
            if (Ticks.handler() != TICKS) {
                Ticks.setHandler(TICKS); // (re)installed by every timed run: nothing can lose it
            }
            Preemption.setBudget(o.tickBudget());
        }
    }

    /**
     * {@code me}'s run() returns: if it is the timed run's, no more ticks; returns the hard
     * interrupt's victim, taken out of the queue (spec §6.2), else null.
     */
    static Tasklet end(Scheduler s, Tasklet me) {
        TimedRun r = s.timed;
        if (r == null || me != r.watchdog) {
            return null;
        }
        s.timed = null;
        Preemption.setBudget(Long.MAX_VALUE);
        Tasklet victim = r.interrupted;
        if (victim != null && victim.where == States.RING) {
            States.unlink(s, victim);
        }
        return victim;
    }

    /** A new time slice for {@code next} (not for the watchdog itself, nor with totalTimeout). */
    void startSlice(Tasklet next) {
        if (next == watchdog) {
            Preemption.setBudget(Long.MAX_VALUE);
        } else if (!totalTimeout) {
            Preemption.setBudget(slice);
        }
    }

    /** Whether {@code t} may be interrupted now, mid-code (spec §6.2). */
    private boolean interruptible(Scheduler s, Tasklet t) {
        return !t.isAtomic() && !s.inScheduleCallback && !s.inChannelCallback && s.switchTrap == 0
                && (t.isSoft() || ignoreNesting);
    }

    /**
     * A switch from {@code prev} while the timed run is active: an interrupt that fell due while
     * {@code prev} could not be interrupted fires now (the watchdog runs instead of {@code next});
     * then a new slice starts.
     */
    Tasklet atSwitch(Scheduler s, Tasklet prev, Tasklet next) {
        Tasklet wd = watchdog;
        if (States.flag(prev, Tasklet.PENDING_IRQ) && prev != wd && next != wd && !prev.isAtomic() && s.switchTrap == 0
                && (softIrq || prev.where == States.RING) && wd.where == States.NOWHERE && wd.isAlive()) {
            States.setFlag(prev, Tasklet.PENDING_IRQ, false);
            if (!softIrq) {
                interrupted = prev;
            }
            if (next.where == States.RING) {
                States.insertAfter(s, next.prev, wd); // the watchdog runs before next; the round keeps its order
            } else {
                States.insert(s, wd);
            }
            next = wd;
        }
        startSlice(next);
        return next;
    }

    /** The running code's tick budget ran out (called from woven code through {@link Preemption}). */
    private void tickExpired(Scheduler s) {
        Tasklet wd = watchdog;
        Tasklet cur = s.current;
        if (cur == null || cur == wd) {
            return; // the watchdog's own code: the budget stays unlimited
        }
        if (softIrq || !interruptible(s, cur) || wd.where != States.NOWHERE) {
            // Deferred: at cur's next switch, or at the first tick after its atomic section.
            States.setFlag(cur, Tasklet.PENDING_IRQ, true);
            Preemption.setBudget(slice);
            return;
        }
        // Hard interrupt, here and now: cur stays in the queue until run() takes it out.
        States.setFlag(cur, Tasklet.PENDING_IRQ, false);
        interrupted = cur;
        s.scheduleTask(cur, wd, Scheduler.CLAIM);
    }

    /** A deferred interrupt of the current tasklet fires at its next tick (atomic or trap just ended). */
    static void rearm(Scheduler s) {
        Tasklet cur = s.current;
        if (s.timed != null && cur != null && States.flag(cur, Tasklet.PENDING_IRQ)) {
            Preemption.setBudget(0);
        }
    }
}
