package org.jstackless;

import org.jstackless.internal.switching.Strand;

/**
 * A pool carrier's side of its scheduler ({@link Schedulers}): the carrier's life (run what is
 * runnable, else steal, spin, park), the hand-offs between carriers (adoption of a rendezvous
 * partner, giving half the ring to a thief), the on-CPU marks that keep a suspending tasklet from
 * being resumed elsewhere too early, and the recovery from a fault that escaped a tasklet.
 *
 * <p>State: the pool and this carrier's index in it; {@code idle}/{@code activity}, read by
 * {@link Schedulers#join}; the tasklet whose flow is still suspending; a fault raised in a tasklet's
 * end; the switches since a new tasklet last left the backlog. Owner thread only, except the
 * volatile {@code idle}/{@code activity} (read by other threads) and a tasklet's on-CPU mark
 * (released here with release semantics, read by adopting carriers with acquire).
 * Invariants: a pool tasklet runs, or is suspending, exactly while its on-CPU mark is set; a
 * tasklet moves to another carrier only while it is off the CPU, soft, and its own strand is
 * what resumes it.
 */
final class PoolCarrier {
    /** An idle pool carrier asks this one for work. */
    record Steal(Scheduler thief) {
    }

    private final Scheduler s;
    final Schedulers pool;
    /** This carrier's index in its pool. */
    final int index;

    PoolCarrier(Scheduler s, Schedulers pool, int index) {
        this.s = s;
        this.pool = pool;
        this.index = index;
    }

    /** A fault inside a tasklet's end, raised in main when its run() resumes. */
    Throwable pendingFault;
    /** Switches since a new tasklet was last taken from the backlog into the ring. */
    int sincePull;
    /** The tasklet switching away until its flow has suspended (then {@link #releaseSuspended} runs). */
    private Tasklet suspending;
    private final Runnable releaseSuspended = () -> {
        Tasklet t = suspending;
        suspending = null;
        if (t != null) {
            States.releaseCpu(t);
        }
    };

    /**
     * {@code next} is about to run and {@code prev} to suspend. {@code prev} stays
     * marked on the CPU until its flow has really suspended (the carrier loop runs the release
     * after it), so that no other carrier resumes it while its frames are still unwinding here.
     */
    void onCpu(Tasklet prev, Tasklet next) {
        States.setOnCpu(next, true);
        suspending = prev;
        s.carrier.afterSuspend(releaseSuspended);
    }

    /**
     * {@code t}, which was switching away, runs again at once instead of {@code next}
     * ({@link FailedSwitch}): it stays on the CPU (its pending release is dropped) and {@code next},
     * which has not run, is off it again.
     */
    void runsInstead(Tasklet t, Tasklet next) {
        if (suspending == t) {
            suspending = null;
        }
        States.setOnCpu(next, false);
        States.setOnCpu(t, true);
    }

    /**
     * With {@code t}'s channel locked (it is blocked there, on another carrier of this pool): makes
     * it this scheduler's, so that the rendezvous goes on as one within this thread and {@code t}
     * runs here, next or at the end of the round (Go's hand-off). Refused (false) — the partner is
     * then handed to its own carrier as across threads — for main, hard tasklets, tasklets inside a
     * greenlet or coroutine, and one whose flow is still suspending on its carrier.
     */
    boolean adopt(Tasklet t) {
        if (!canAdopt(t)) {
            return false;
        }
        States.adopted(t, s);
        s.steals++;
        return true;
    }

    /** Whether {@link #adopt} would take {@code t} (changes nothing); same preconditions. */
    boolean canAdopt(Tasklet t) {
        Schedulers p = pool;
        Scheduler from = t.sched;
        if (!ADOPT || from.pool != p || t.isMain() || from.closed) {
            return false;
        }
        if (States.onCpu(t)) {
            return false; // its frames are still leaving the other carrier
        }
        Strand st = t.strand;
        return st != null && st.isSoft() && t.resumeAt == st;
    }

    /**
     * Owner: gives up to half the tasklets of the ring that may move (not the running one, not
     * main, not one inside run(), none that cannot migrate) to {@code thief}, from the end of the
     * round. They travel like rendezvous partners.
     */
    void handOff(Scheduler thief, Tasklet keep1, Tasklet keep2) {
        Tasklet h = s.head;
        if (h == null || s.runCount < 3 || thief.closed) {
            return;
        }
        int give = (s.runCount - 1) / 2;
        Tasklet victim = h.prev;
        for (int seen = s.runCount; give > 0 && seen > 0 && victim != h; seen--) {
            Tasklet before = victim.prev;
            if (victim != s.current && victim != keep1 && victim != keep2 && !victim.isMain()
                    && victim.strand.canMigrate() && victim.resumeAt.canMigrate() && !s.watchdogs.contains(victim)) {
                States.handOver(s, victim, thief);
                s.steals++;
                thief.inbox.post(victim);
                give--;
            }
            victim = before;
        }
    }

    /**
     * A pool carrier's life: run tasklets as they arrive; with none, take work from another
     * carrier's backlog, else wait ({@link #idleWait}). A fault that escapes a tasklet (an exception
     * no error handler took, an {@code Error}) is reported and the carrier goes on
     * ({@link #recoverFromFault}). Returns when the pool stops.
     */
    void serve() {
        while (!pool.stopping()) {
            try {
                serveOnce();
            } catch (Throwable e) {
                recoverFromFault(e);
            }
        }
    }

    /** One round of {@link #serve}: run what is runnable, else wait for or take work. */
    private void serveOnce() {
        Backlog backlog = s.backlog;
        if (s.inbox.nonEmpty() || backlog.size() != 0) {
            // Before the work leaves the inbox or backlog: join() must never see this carrier
            // idle with work taken out but not yet run.
            idle = false;
        }
        s.pollEvents();
        if (s.runCount > 1 || backlog.size() != 0) {
            idle = false;
            s.run(POOL_RUN);
            return;
        }
        if (s.waits.waiting > 0) {
            // Tasklets wait for calls, timers or futures: park until one comes back (posted to
            // the inbox, or the next timer), and look at stopping() again after each wake-up.
            idle = false;
            Timers q = s.waits.timers;
            long nanos = q == null ? Registry.RECHECK_NANOS : Math.min(q.nanosToNext(), Registry.RECHECK_NANOS);
            if (!s.inbox.nonEmpty() && nanos > 0) {
                parkCarrier(nanos);
            }
            return;
        }
        idle = false;
        if (!pool.steal(s)) {
            idleWait();
        }
    }

    /**
     * Nothing to run here and nothing to steal: spins a short while (at most {@link Schedulers}'s
     * bound of carriers at once) looking for work, then parks until work is posted or added to a
     * backlog ({@link Schedulers#workAdded} wakes a parked carrier when none spins). The sleep
     * itself is {@link #parkCarrier}, shared with the wait for waiting tasklets in {@code serveOnce}.
     */
    private void idleWait() {
        if (pool.startSpinning()) {
            boolean found;
            try {
                found = spinForWork();
            } finally {
                pool.stopSpinning();
            }
            if (found) {
                return;
            }
        }
        idle = true;
        activity++;
        pool.parking(s, true);
        try {
            // Re-check after publishing that we park: a backlog push either sees us parked (and
            // unparks this thread) or happened before, and the look below finds it.
            if (!s.inbox.nonEmpty() && !pool.workVisible(s)) {
                pool.lookForWork(s);
                parkCarrier(Registry.RECHECK_NANOS);
            }
        } finally {
            pool.parking(s, false);
        }
    }

    /**
     * The one place where a pool carrier's thread sleeps between runs (idle, or while its tasklets
     * wait for calls, timers or futures): until something is posted to the inbox, the thread is
     * unparked, or {@code nanos} pass. An event source polled by the carrier belongs here.
     */
    private void parkCarrier(long nanos) {
        s.inbox.park(s, nanos); // an interrupt of a carrier thread means nothing to the pool: cleared
    }

    /** Spins up to {@link #SPIN_NANOS} for posted work or a backlog to steal from. */
    private boolean spinForWork() {
        long until = System.nanoTime() + SPIN_NANOS;
        int i = 0;
        while (true) {
            if (s.inbox.nonEmpty() || pool.stopping()) {
                return true;
            }
            if ((++i & 15) == 0) {
                if (pool.steal(s)) {
                    return true;
                }
                if (System.nanoTime() - until > 0) {
                    return false;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** How long an idle carrier spins before parking: a little longer than an unpark costs. */
    static final long SPIN_NANOS = Long.getLong("jstackless.pool.spinNanos", 50_000);
    static final boolean ADOPT = !Boolean.getBoolean("jstackless.pool.noAdopt");

    /**
     * Owner: takes {@code stolen} (paused, already ours): the oldest into the ring, the rest into
     * the backlog, where other idle carriers may take them in turn (in the ring they would wait for
     * this carrier even if the first one never switches). Called by {@link Schedulers#steal}.
     */
    void takeStolen(java.util.List<Tasklet> stolen) {
        sincePull = 0;
        States.insert(s, stolen.get(0));
        boolean woke = false;
        for (int i = 1; i < stolen.size(); i++) {
            if (s.backlog.push(stolen.get(i)) && !woke) {
                woke = true;
                pool.workAdded(s);
            }
        }
    }

    /**
     * After a fault escaped the run of the ring ({@code e}: an exception no error handler took,
     * raised to this carrier's main, or an {@code Error} thrown by the switching machinery):
     * reports it to the thread's uncaught-exception handler and puts the scheduler back in the
     * state of a carrier between runs. A tasklet whose flow has ended without being marked dead (a
     * fault inside its end) is a zombie: it is dropped and reported to the pool; every other
     * tasklet stays where it was (ring, channel, waiting) and runs again.
     */
    void recoverFromFault(Throwable e) {
        if (Scheduler.current() != s) {
            throw new IllegalStateException("recoverFromFault runs on the carrier's own thread");
        }
        // Main runs (we are on the thread stack): it is current and in the ring again, out of run().
        s.watchdogs.clear();
        pendingFault = null;
        s.timed = null;
        s.inScheduleCallback = false;
        s.inChannelCallback = false;
        s.switchTrap = 0;
        if (suspending != null) {
            releaseSuspended.run();
        }
        java.util.List<Tasklet> zombies = new java.util.ArrayList<>();
        Tasklet main = s.main;
        if (s.head != null) {
            Tasklet t = s.head;
            int n = s.runCount;
            for (int i = 0; i < n; i++) {
                Tasklet after = t.next;
                if (t != main) {
                    States.setOnCpu(t, false);
                    if (t.strand == null || t.strand.isDone()) {
                        States.unlink(s, t);
                        zombies.add(t);
                    }
                }
                t = after;
            }
        }
        Tasklet was = s.current;
        if (was != null && was != main && was.where != States.RING && (was.strand == null || was.strand.isDone())
                && !zombies.contains(was)) {
            zombies.add(was);
        }
        if (was != null) {
            States.setOnCpu(was, false);
        }
        for (Tasklet z : zombies) {
            z.die();
        }
        s.current = main;
        if (main.where == States.NOWHERE) {
            States.insert(s, main);
        }
        s.head = main;
        main.tempval = null;
        pool.dropped(zombies, e);
        s.uncaught(e);
    }

    /** Owner, when the pool stops: what the carrier drops with its scheduler, for the pool's report. */
    java.util.List<Tasklet> droppedAtClose() {
        java.util.List<Tasklet> out = new java.util.ArrayList<>(s.backlog.drain());
        if (s.waits.timers != null) {
            out.addAll(s.waits.timers.tasklets()); // asleep: their timers never fire now
        }
        if (s.head != null) {
            Tasklet t = s.head;
            for (int i = 0, n = s.runCount; i < n; i++) {
                if (t != s.main) {
                    out.add(t);
                }
                t = t.next;
            }
        }
        for (Tasklet t : out) {
            if (t.where == States.NOWHERE) {
                t.abandon();
            }
        }
        return out;
    }

    private static final RunOptions POOL_RUN = RunOptions.ticks(0);

    /** Owner-written, read by {@link Schedulers#join}: parked with nothing to run or wait for. */
    volatile boolean idle;
    /** Owner-written: bumps each time the carrier goes idle, so join() can tell a lull from quiescence. */
    volatile long activity;
}
