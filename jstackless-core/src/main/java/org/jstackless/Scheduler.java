package org.jstackless;

import java.util.ArrayList;
import org.jstackless.internal.Errors;
import org.jstackless.internal.soft.SoftContext;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Resumption;
import org.jstackless.internal.switching.StrandEntry;

/**
 * One thread's tasklet scheduler: Stackless's per-thread state ({@code ts->st}), its run queue and
 * its scheduling primitive {@code slp_schedule_task}. The other jobs of a scheduler each have their
 * own class: the tasklet state machine ({@link States}, the only writer of a tasklet's state and
 * links), the waits outside the scheduler ({@link Waits}, with {@link Timers}), the requests of
 * other threads ({@link Requests}, through the {@link Inbox}), preemption ({@link TimedRun}), the
 * user's hooks ({@link Callbacks}) and a pool carrier's life ({@link PoolCarrier}).
 *
 * <p>Algorithm: the run queue is a circular doubly-linked list through {@link Tasklet#next}/
 * {@link Tasklet#prev} whose head is the tasklet that runs now. {@code insert} links a tasklet just
 * before the head, i.e. at the end of the round that starts with the running tasklet; switching to
 * a tasklet that is already queued only moves the head, so the tasklets between are skipped this
 * round. Every switch goes through {@link #scheduleTask}: it takes in what other threads handed
 * over, links the target into the ring if needed, calls the schedule callback, makes the target
 * current and hands the carrier over. With nothing runnable it takes the block path
 * ({@code schedule_task_block}): wait for local events, else revive the watchdog, else wait for
 * other threads, else raise {@link DeadlockException} in the blocking tasklet. What the suspended
 * caller's operation returns when it is resumed is computed by a {@link Resumption} constant, so
 * the same primitive serves hard strands (which continue after the switch) and soft ones (which
 * unwind and ask later).
 *
 * <p>Invariants, outside a switch in progress:
 * <ul>
 * <li>{@code current} is the running tasklet; while it runs it is in the ring and {@code head == current}.
 * <li>{@code runCount} is the number of tasklets in the ring (the running one included).
 * <li>{@code head}, {@code runCount} and the tasklets' links change only through {@link States}
 *     (and {@code head} moving round the ring, here).
 * <li>{@code watchdogs} holds the tasklets inside {@link Stackless#run()}, innermost last; each is
 *     out of the ring while the tasklets it runs execute.
 * <li>{@code timed} is non-null exactly while a run with a tick budget is active ({@link TimedRun}).
 * <li>pool carriers only ({@code pool != null}): new tasklets wait in the {@link Backlog} until
 *     this carrier takes them into the ring or another steals them ({@link PoolCarrier}).
 * </ul>
 * Owner thread only, except what {@link Inbox}, {@link Requests} and {@link Registry} say.
 */
final class Scheduler {

    /** Claims the resumed tasklet's tempval: the result of schedule, send, receive, run(tasklet)... */
    static final Resumption CLAIM = () -> claim(current().current);

    /**
     * {@link #CLAIM} bound to this scheduler: it skips the thread-local lookup, so it may serve only
     * a tasklet that will be resumed on this thread — the thread stack (main) or a started JDK
     * continuation, which never migrate. See {@link #claimFor}.
     */
    private final Resumption claimHere = () -> claim(this.current);

    /** The resumption for a switch away from the running tasklet {@code t}: bound here when it cannot move. */
    Resumption claimFor(Tasklet t) {
        return t.strand == null || !t.strand.canMigrate() ? claimHere : CLAIM;
    }

    /** The end of {@link Stackless#run()}: pops the watchdog stack, then claims. */
    static final Resumption RUN_RETURN = () -> current().runReturned();

    /** The hooks every strand of a tasklet runs, on the strand itself. */
    static final StrandEntry ENTRY = new StrandEntry() {
        @Override
        public void begin() {
            // A bomb put into a tasklet that never ran explodes before its body starts (spec §3.3).
            claim(current().current);
        }

        @org.jstackless.internal.soft.Boundary
        @Override
        public void runBody(Object body) throws Throwable {
            ((TaskletBody) body).run();
        }

        @Override
        public void end(Throwable error) {
            Scheduler s = current();
            if (s.pool == null) {
                s.ended(s.current, error);
                return;
            }
            try {
                s.ended(s.current, error);
            } catch (Throwable fault) {
                // The end itself failed (say, out of memory): carry the fault to the carrier's main,
                // which recovers (PoolCarrier.recoverFromFault) instead of losing the thread or the tasklets.
                s.loop.pendingFault = fault;
                s.carrier.setNext(null);
            }
        }

        @Override
        public void unwindFailed(org.jstackless.internal.switching.Strand failed) {
            FailedSwitch.takeEffect(current(), failed);
        }
    };

    final Carrier carrier;
    final Tasklet main;
    Tasklet current;
    Tasklet head;
    int runCount;
    int switchTrap;
    boolean inScheduleCallback;
    boolean inChannelCallback;
    boolean closed;
    final ArrayList<Tasklet> watchdogs = new ArrayList<>(4);
    /** What other threads hand this scheduler; drained by the owner at switches and when it waits. */
    final Inbox inbox = new Inbox();
    /** Tasklets waiting for the pool, a timer, a future or a socket. */
    final Waits waits = new Waits(this);
    /** The active timed run (preemption), or null. */
    TimedRun timed;
    /** Switches made and tasklets handed to other carriers: metrics (owner-written, read racily). */
    long switches;
    long steals;
    /**
     * Times the running tasklet passed through {@link #scheduleTask} to itself (a lone tasklet's
     * {@code schedule()}): not a switch, but its events were polled there, so the blocked-carrier
     * detector counts it as progress (owner-written, read racily).
     */
    long selfYields;
    /** Readiness poller of this scheduler's sockets; null until the first socket wait ({@link IoPoller}). */
    IoPoller io;
    /** Set by {@link Schedulers#close()}: stop waiting for tasklets that are waiting outside the scheduler. */
    volatile boolean stopRequested;
    /** True while this thread waits for other threads (guarded by the {@link Registry} lock). */
    boolean waitingRemote;
    /** Set by run(threadBlock): with nothing runnable, wait for other threads instead of returning. */
    boolean threadBlock;
    /**
     * The tasklet the latest switch ({@link #scheduleTask}) left: a soft one is still unwinding
     * until its strand returns to the carrier loop, and {@link FailedSwitch} needs to know whose
     * unwinding failed. Stale otherwise (read only there, checked against the failed strand).
     */
    Tasklet leaving;

    /** The pool this scheduler carries for, or null (a runAsMain thread); set before it gets work. */
    Schedulers pool;
    /** Pool carriers only: tasklets not run yet, which idle carriers may take. */
    Backlog backlog;
    /** Pool carriers only: the carrier's life and hand-offs. */
    PoolCarrier loop;

    private Scheduler(Carrier carrier) {
        this.carrier = carrier;
        this.main = new Tasklet(this);
        this.current = main;
        States.insert(this, main);
    }

    /** The calling thread's scheduler; Stackless is entered on this thread on first use. */
    static Scheduler current() {
        Carrier c = Carrier.current();
        Object s = c.tasklets();
        return s != null ? (Scheduler) s : enter(c);
    }

    private static Scheduler enter(Carrier c) {
        Scheduler s = new Scheduler(c);
        c.setTasklets(s);
        Registry.add(s);
        BlockedCarrierDetector.start();
        Callbacks.onSchedule(s, null, s.main);
        return s;
    }

    /** A fresh scheduler for {@code runAsMain}, replacing an idle one. */
    static Scheduler enterFresh() {
        Carrier c = Carrier.current();
        if (c.running() != null) {
            throw new IllegalStateException("runAsMain called inside a tasklet: it makes the thread's own stack "
                    + "the main tasklet, so call it from a plain thread");
        }
        Scheduler old = (Scheduler) c.tasklets();
        if (old != null && (old.current != old.main || old.runCount != 1 || !old.watchdogs.isEmpty())) {
            throw new IllegalStateException("this thread already runs tasklets; runAsMain cannot nest "
                    + "inside an active Stackless main");
        }
        return enter(c);
    }

    /**
     * Ends this scheduler (spec §9, thread end): every tasklet of it is dead from now on. Queued ones
     * are dropped without running code; strands that hold a thread (the virtual-thread fallback)
     * are unwound so that no thread is left parked.
     */
    void close() {
        closed = true;
        if (io != null) {
            io.close();
        }
        while (head != null) {
            Tasklet t = head;
            States.unlink(this, t);
            t.abandon();
        }
        main.die();
        Registry.remove(this);
        carrier.discardThreadBacked();
        if (carrier.tasklets() == this) {
            carrier.setTasklets(null);
        }
    }

    /** Whether this session is over: runAsMain returned, or the thread ended (spec §9: its tasklets are dead). */
    boolean ended() {
        return closed || !carrier.thread().isAlive();
    }

    /**
     * Owner, before it acts on {@code t}: carries out what other threads asked of it first, so that
     * its remote remove()/insert(), which the asking thread already saw take effect, come first.
     */
    void drainIfAsked(Tasklet t) {
        if (Requests.pending(t)) {
            pollEvents();
        }
    }

    /** Becomes carrier {@code index} of {@code p}: from now on new tasklets go to the backlog. */
    void joinPool(Schedulers p, int index) {
        backlog = new Backlog(this);
        pool = p;
        loop = new PoolCarrier(this, p, index);
    }

    /**
     * Owner: a new tasklet of this scheduler, made alive by {@code setup()}: a pool carrier queues
     * it in its backlog (where an idle carrier may take it), any other scheduler at the end of the
     * round.
     */
    void insertNew(Tasklet t) {
        if (backlog == null) {
            States.insert(this, t);
            return;
        }
        if (backlog.push(t)) {
            pool.workAdded(this);
        }
    }

    // ---------------------------------------------------------------- switching

    static Object claim(Tasklet t) {
        Object v = t.tempval;
        t.tempval = null;
        if (v instanceof Bomb b) {
            throw Sneaky.raise(b.exception());
        }
        return v;
    }

    /** Refuses a switch before anything changes: switch_trap, or a soft frame that cannot unwind. */
    void checkTrap() {
        if (switchTrap != 0) {
            throw new SwitchTrapException();
        }
        SoftContext.checkUnwind();
    }

    /**
     * {@code slp_schedule_task}: switch from {@code prev} (the running tasklet) to {@code next};
     * null means nothing is runnable and takes the block path. Returns what {@code k} computes when
     * {@code prev} is resumed (at once for a hard strand or the thread stack; null for an unwinding
     * soft strand, whose woven caller asks {@code k} later).
     */
    Object scheduleTask(Tasklet prev, Tasklet next, Resumption k) {
        if (waits.timers != null || inbox.nonEmpty() || (io != null && io.due()) || (backlog != null && backlog.size() != 0)) {
            boolean queued = next != null && next.where == States.RING;
            pollEvents(prev, next);
            if (next == null) {
                next = head;
            } else if (queued && next.where != States.RING) {
                next = prev.where == States.RING ? prev.next : head; // a remote remove() took it out just now
            }
        }
        if (next == null) {
            return blockPath(prev, k);
        }
        if (prev != next) {
            if (switchTrap != 0) {
                throw new SwitchTrapException(); // the caller checked the frames already (checkTrap)
            }
            if (inScheduleCallback) {
                throw Errors.recursiveSchedule();
            }
        }
        States.makeRunnable(this, next);
        if (prev == next) {
            selfYields++;
            return k.resumed();
        }
        if (timed != null) {
            next = timed.atSwitch(this, prev, next);
        }
        Callbacks.onSchedule(this, prev, next);
        switches++;
        head = next;
        current = next;
        // Where prev resumes is whatever runs now: its own strand, the thread stack, or the strand
        // of a greenlet or coroutine it is running (concepts nest without seeing each other).
        prev.resumeAt = carrier.running();
        leaving = prev;
        if (loop != null) {
            loop.onCpu(prev, next);
        }
        return carrier.switchTo(next.resumeAt, k);
    }

    /** {@code schedule_task_block}: the running tasklet leaves the ring and nothing else is runnable. */
    private Object blockPath(Tasklet prev, Resumption k) {
        Tasklet next = awaitLocal();
        if (next != null) {
            // Tasklets came back from the pool, a timer, a future or another thread.
            return scheduleTask(prev, next, k);
        }
        Tasklet wakeup = watchdog();
        if (!threadBlock && wakeup.where == States.NOWHERE && wakeup.isAlive()) {
            // Revive the watchdog (the innermost run() caller, else a floating main): its run() returns.
            if (prev.tempval instanceof Bomb && wakeup != prev) {
                wakeup.tempval = prev.tempval;
            }
            return scheduleTask(prev, wakeup, k);
        }
        next = awaitRemote();
        if (next != null) {
            return scheduleTask(prev, next, k);
        }
        // Nobody can ever wake us: the blocking tasklet itself gets the deadlock error.
        prev.tempval = new Bomb(new DeadlockException(Errors.DEADLOCK));
        return scheduleTask(prev, prev, k);
    }

    /** The watchdog: innermost tasklet inside run(), else main ({@code slp_get_watchdog}). */
    Tasklet watchdog() {
        int n = watchdogs.size();
        return n == 0 ? main : watchdogs.get(n - 1);
    }

    /** {@code slp_tasklet_end}: the running tasklet's body returned or threw. Runs on its strand. */
    void ended(Tasklet t, Throwable error) {
        Bomb bomb = null;
        if (error != null && !(error instanceof TaskletExit)) {
            ErrorHandler h = Callbacks.errorHandler;
            if (h != null) {
                try {
                    h.handle(error);
                    error = null;
                } catch (Throwable e) {
                    error = e;
                }
            }
            if (error != null && !(error instanceof TaskletExit)) {
                bomb = new Bomb(error);
            }
        }
        if (t.where == States.RING) {
            States.unlink(this, t);
        }
        if (org.jstackless.internal.jfr.JfrFlags.taskletEnd) {
            org.jstackless.internal.jfr.JfrHooks.taskletEnd(t.id, error != null && !(error instanceof TaskletExit));
        }
        t.die();
        current = null; // nothing runs while this thread may wait for the next tasklet
        Tasklet next;
        if (bomb != null) {
            // An uncaught exception goes to the watchdog at once (spec §5.3) unless it waits for a
            // blocking call or future: then the bomb waits in its mailbox until that returns.
            Tasklet wd = watchdog();
            wd.tempval = bomb;
            if (wd.where != States.WAITING || waits.interruptWait(wd)) {
                next = wd;
            } else {
                next = head != null ? head : awaitLocal();
            }
        } else {
            next = head;
            if (next == null) {
                next = awaitLocal();
            }
            if (next == null) {
                Tasklet wd = watchdog();
                next = wd.where == States.NOWHERE && !threadBlock ? wd : awaitRemote();
            }
            if (next == null) {
                next = watchdog();
                if (next == main && main.where == States.CHANNEL) {
                    next.tempval = new Bomb(new DeadlockException(main.selecting() != null ? Errors.MAIN_SELECTING
                            : main.blockedDirection() < 0 ? Errors.MAIN_RECEIVING : Errors.MAIN_SENDING));
                }
            }
        }
        States.makeRunnable(this, next);
        if (timed != null) {
            timed.startSlice(next);
        }
        Callbacks.onSchedule(this, t, next);
        head = next;
        current = next;
        if (loop != null) {
            States.setOnCpu(next, true);
        }
        carrier.setNext(next.resumeAt);
    }

    /** Where {@link Stackless#run()} resumes: pop deeper watchdogs back into the ring, then claim. */
    Object runReturned() {
        Throwable fault = loop != null ? loop.pendingFault : null;
        if (fault != null) {
            loop.pendingFault = null;
            throw Sneaky.raise(fault);
        }
        Tasklet me = current;
        int i = watchdogs.lastIndexOf(me);
        if (i >= 0) {
            while (watchdogs.size() > i + 1) {
                Tasklet w = watchdogs.remove(watchdogs.size() - 1);
                if (w.where == States.NOWHERE && w.isAlive()) {
                    States.insert(this, w);
                }
            }
            watchdogs.remove(i);
        }
        // The timed run ends: no more ticks; a hard interrupt's victim leaves the queue (spec §6.2).
        Tasklet victim = TimedRun.end(this, me);
        threadBlock = States.restoreRunFlags(me);
        claim(me);
        return victim;
    }

    // ---------------------------------------------------------------- module-level operations

    /** Owner: takes in what other threads handed over, while the ring is still consistent. */
    void pollIfPending() {
        if (inbox.nonEmpty() || waits.timers != null) {
            pollEvents();
        }
    }

    /**
     * {@code stackless.run}: the caller leaves the queue (it is paused inside run) until the queue
     * empties, an exception reaches it, or — for the outermost run with a tick budget — a tasklet
     * is preempted. Nested runs ignore their budget. Returns the hard-interrupted tasklet or null.
     */
    Object run(RunOptions o) {
        checkTrap();
        pollIfPending();
        Tasklet me = current;
        States.saveRunFlags(me, threadBlock);
        threadBlock = o.isThreadBlock();
        TimedRun.begin(this, me, o);
        watchdogs.add(me);
        States.unlink(this, me);
        return scheduleTask(me, head, RUN_RETURN);
    }

    Object schedule(Object retval) {
        pollIfPending();
        Tasklet me = current;
        if (me.next != me) {
            checkTrap();
        }
        me.tempval = retval;
        return scheduleTask(me, me.next, claimFor(me));
    }

    Object scheduleRemove(Object retval) {
        pollIfPending();
        Tasklet me = current;
        if (!(me.next == me && watchdog() == me)) {
            checkTrap(); // removing the only tasklet returns to it at once: that is no switch
        } else {
            SoftContext.checkUnwind();
        }
        me.tempval = retval;
        States.unlink(this, me);
        return scheduleTask(me, head, CLAIM);
    }

    /** Any thread: a tasklet of ours, dequeued by a rendezvous there, is runnable here (it is in TRANSIT). */
    void deliverRunnable(Tasklet t) {
        inbox.post(t);
    }

    /** Owner: moves tasklets handed back by other threads or woken by timers into the ring. */
    void pollEvents() {
        pollEvents(null, null);
    }

    /** As {@link #pollEvents()}, never handing {@code keep1} or {@code keep2} to another carrier. */
    private void pollEvents(Tasklet keep1, Tasklet keep2) {
        if (inbox.nonEmpty()) {
            inbox.clearHint();
            Object o;
            while ((o = inbox.poll()) != null) {
                if (o instanceof Wait w) {
                    waits.delivered(w);
                } else if (o instanceof Probe.Snapshot snap) {
                    snap.take(this);
                } else if (o instanceof PoolCarrier.Steal st) {
                    loop.handOff(st.thief(), keep1, keep2);
                } else if (o instanceof Tasklet t) {
                    if (t.where == States.TRANSIT && t.sched == this) {
                        States.arrived(this, t);
                        States.insert(this, t);
                    }
                } else {
                    Requests.apply(this, (Request) o);
                }
            }
        }
        if (backlog != null && backlog.size() != 0 && (head == null
                || (keep1 != null && keep1.where == States.RING && ++loop.sincePull >= runCount))) {
            // A new tasklet joins the ring when nothing else is runnable, or once per round while
            // the running ones yield; until then it stays in the backlog, where idle carriers may take it.
            Tasklet t = backlog.poll();
            if (t != null) {
                loop.sincePull = 0;
                States.insert(this, t);
            }
        }
        waits.pollTimers();
        if (io != null) {
            io.pollIfDue();
        }
    }

    private Tasklet awaitLocal() {
        pollEvents();
        if (head != null) {
            return head;
        }
        if (waits.waiting == 0) {
            return null;
        }
        boolean interrupted = false;
        while (true) {
            pollEvents();
            if (head != null || stopRequested || (pool != null && pool.stopping())) {
                break; // the pool closes: a stopping carrier leaves the waiting tasklets to be dropped
            }
            Timers q = waits.timers;
            interrupted |= inbox.park(this, q == null ? -1 : q.nanosToNext());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return head;
    }

    /**
     * With nothing runnable and no watchdog to revive: waits while another thread could still make
     * one of our tasklets runnable (spec §5.4 rule 2). Returns the new head, or null when no thread
     * ever will (a deadlock, or no other thread has a scheduler).
     */
    private Tasklet awaitRemote() {
        long since = Registry.epoch();
        boolean interrupted = false;
        boolean deadlock = false;
        while (true) {
            pollEvents();
            if (head != null || deadlock) {
                break;
            }
            if (!Registry.othersLive(this)) {
                // The last other thread may have handed us a tasklet just before it ended (its post
                // happens before it leaves the registry): take that in before concluding nobody will.
                pollEvents();
                break;
            }
            // Counted as waiting only while parked, never while draining: a thread that is taking
            // in a hand-off is running, so nobody can declare a deadlock from under it.
            if (!Registry.beginWait(this, since)) {
                Timers q = waits.timers;
                long nanos = q == null ? Registry.RECHECK_NANOS : Math.min(q.nanosToNext(), Registry.RECHECK_NANOS);
                interrupted |= inbox.park(this, nanos);
            }
            deadlock = Registry.endWait(this, since);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return head;
    }

    /** Reports to the scheduler's thread's handler (not to a virtual-thread strand's own thread). */
    void uncaught(Throwable e) {
        Thread th = carrier.thread();
        th.getUncaughtExceptionHandler().uncaughtException(th, e);
    }
}
