package org.jstackless;

import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.jstackless.internal.soft.Preemption;
import org.jstackless.internal.soft.SoftContext;
import org.jstackless.internal.soft.runtime.Ticks;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Resumption;
import org.jstackless.internal.switching.Strand;
import org.jstackless.internal.switching.StrandEntry;

/**
 * One thread's tasklet scheduler: Stackless's per-thread state ({@code ts->st}) and its scheduling
 * primitive {@code slp_schedule_task}.
 *
 * <p>The run queue is a circular doubly-linked list through {@link Tasklet#next}/{@link Tasklet#prev}
 * whose head is the tasklet that runs now. {@code insert} links a tasklet just before the head,
 * i.e. at the end of the round that starts with the running tasklet; switching to a tasklet that is
 * already queued only moves the head, so the tasklets between are skipped this round.
 *
 * <p>Invariants, outside a switch in progress:
 * <ul>
 * <li>{@code current} is the running tasklet; while it runs it is in the ring and {@code head == current}.
 * <li>{@code runCount} is the number of tasklets in the ring (the running one included).
 * <li>a tasklet is in the ring ({@code where == RING}), or waits in channel queues through
 *     {@link Waiter} records ({@code where == CHANNEL}: one record of a plain operation, or one per
 *     case of a {@link Select}), or in none ({@code where == NOWHERE}: paused, bound or dead).
 * <li>a tasklet waiting for something outside the scheduler (a blocking call, a timer, a future)
 *     has {@code where == WAITING} and a {@link Wait}; {@code waiting} counts them. Another thread
 *     hands it back through the {@link Inbox}, which only the owner thread drains.
 * <li>a tasklet woken by a rendezvous on another thread is in transit ({@code where == TRANSIT})
 *     from the moment the other thread dequeues it until this thread drains it from the inbox.
 * <li>pool carriers only ({@code pool != null}): a new tasklet waits in the {@link Backlog}
 *     ({@code where == QUEUED}) until this carrier takes it into the ring (when nothing else is
 *     runnable, or once per round while the running ones yield) or an idle carrier steals it; a
 *     tasklet runs, or is suspending, exactly while {@code onCpu} is set (see {@link #adopt}).
 * <li>{@code watchdogs} holds the tasklets inside {@link Stackless#run()}, innermost last; each is
 *     out of the ring while the tasklets it runs execute.
 * </ul>
 *
 * <p>Every switch goes through {@link #scheduleTask}: it links the target into the ring if needed,
 * calls the schedule callback, makes the target current and hands the carrier over. What the
 * suspended caller's operation returns when it is resumed is computed by a {@link Resumption}
 * constant, so the same primitive serves hard strands (which continue after the switch) and soft
 * ones (which unwind and ask later).
 *
 * <p>The scheduler and channel algorithms live in this package, package-private, because they work
 * directly on the fields of the public types; the switching mechanisms live under {@code internal}.
 */
final class Scheduler {
    static final byte NOWHERE = 0;
    static final byte RING = 1;
    static final byte CHANNEL = 2;
    static final byte WAITING = 3;
    static final byte TRANSIT = 4;
    /** In a pool carrier's {@link Backlog}: created, not run yet, may be taken by another carrier. */
    static final byte QUEUED = 5;

    static volatile ScheduleCallback scheduleCallback;
    static volatile ChannelCallback channelCallback;
    static volatile ErrorHandler errorHandler;

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
    /** Woven code that runs out of ticks lands here, on the thread whose budget expired. */
    private static final Ticks.Handler TICKS = () -> {
        Carrier c = Carrier.peek();
        if (c != null && c.tasklets() instanceof Scheduler s) {
            s.tickExpired();
        }
    };

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
                // which recovers (recoverFromFault) instead of losing the thread or the tasklets.
                s.pendingFault = fault;
                s.carrier.setNext(null);
            }
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

    /** Tasklets waiting for the pool, a timer or a future; their outcomes come back through {@code inbox}. */
    int waiting;
    /** What other threads hand this scheduler; drained by the owner at switches and when it waits. */
    final Inbox inbox = new Inbox();
    /** Sleeping tasklets; null while there are none, so a switch pays nothing for timers. */
    private Timers timers;
    /** The {@link Wait}s of the tasklets counted in {@code waiting}, for dumps (owner only; null until the first). */
    java.util.HashSet<Wait> waits;
    /** Switches made and tasklets handed to other carriers: metrics (owner-written, read racily). */
    long switches;
    long steals;
    /** Readiness poller of this scheduler's sockets; null until the first socket wait ({@link IoPoller}). */
    IoPoller io;
    /** Set by {@link Schedulers#close()}: stop waiting for tasklets that are waiting outside the scheduler. */
    volatile boolean stopRequested;
    /** True while this thread waits for other threads (guarded by the {@link Registry} lock). */
    boolean waitingRemote;
    /** Set by run(threadBlock): with nothing runnable, wait for other threads instead of returning. */
    boolean threadBlock;

    /** Preemption (spec §6): slot 0, the outermost run(ticks) caller; null when no timed run is active. */
    Tasklet interruptWatchdog;
    private long slice;
    private boolean softIrq;
    private boolean totalTimeout;
    private boolean ignoreNesting;
    /** The tasklet a hard interrupt took the thread from: the timed run() returns it, out of the queue. */
    private Tasklet interrupted;

    private Scheduler(Carrier carrier) {
        this.carrier = carrier;
        this.main = new Tasklet(this);
        this.current = main;
        insert(main);
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
        s.callScheduleCallback(null, s.main);
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
            unlink(t);
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
        if (t.hasRequests()) {
            pollEvents();
        }
    }

    // ---------------------------------------------------------------- the ring

    void insert(Tasklet t) {
        Tasklet h = head;
        if (h == null) {
            t.next = t;
            t.prev = t;
            head = t;
        } else {
            Tasklet p = h.prev;
            t.prev = p;
            t.next = h;
            p.next = t;
            h.prev = t;
        }
        t.where = RING;
        runCount++;
    }

    void insertAfter(Tasklet pos, Tasklet t) {
        Tasklet n = pos.next;
        t.prev = pos;
        t.next = n;
        pos.next = t;
        n.prev = t;
        t.where = RING;
        runCount++;
    }

    void unlink(Tasklet t) {
        if (t.next == t) {
            head = null;
        } else {
            t.prev.next = t.next;
            t.next.prev = t.prev;
            if (head == t) {
                head = t.next;
            }
        }
        t.next = null;
        t.prev = null;
        t.where = NOWHERE;
        runCount--;
    }

    /** Puts a paused or blocked tasklet into the ring (unblocking it first), as step 4 of a switch. */
    void makeRunnable(Tasklet t) {
        if (t.where == WAITING) {
            throw new IllegalStateException("You cannot run a tasklet that waits for a blocking call, a timer or a future");
        }
        if (t.sched != this) {
            throw movedAway(t);
        }
        if (t.where == CHANNEL) {
            // Re-checked under the channel's lock: another thread may have taken it, and a pool
            // carrier's rendezvous may have adopted it (then it is no longer ours).
            if (!Channel.unblock(t) && t.sched != this) {
                throw movedAway(t);
            }
        }
        if (t.where == QUEUED && !backlog.remove(t)) {
            throw movedAway(t); // an idle carrier stole it a moment ago
        }
        if (t.where == TRANSIT && t.sched == this) {
            t.where = NOWHERE; // taken by another thread's rendezvous a moment ago: claim it now
        }
        if (t.where == NOWHERE) {
            insert(t);
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
        if (timers != null || inbox.nonEmpty() || (io != null && io.due()) || (backlog != null && backlog.size() != 0)) {
            boolean queued = next != null && next.where == RING;
            pollEvents(prev, next);
            if (next == null) {
                next = head;
            } else if (queued && next.where != RING) {
                next = prev.where == RING ? prev.next : head; // a remote remove() took it out just now
            }
        }
        if (next == null) {
            return blockPath(prev, k);
        }
        if (prev != next) {
            if (switchTrap != 0) {
                throw new SwitchTrapException();
            }
            if (inScheduleCallback) {
                throw new IllegalStateException("Recursive scheduler call due to callbacks!");
            }
        }
        makeRunnable(next);
        if (prev == next) {
            return k.resumed();
        }
        if (interruptWatchdog != null) {
            next = preemptAtSwitch(prev, next);
        }
        callScheduleCallback(prev, next);
        switches++;
        head = next;
        current = next;
        // Where prev resumes is whatever runs now: its own strand, the thread stack, or the strand
        // of a greenlet or coroutine it is running (concepts nest without seeing each other).
        prev.resumeAt = carrier.running();
        if (pool != null) {
            onCpu(prev, next);
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
        if (!threadBlock && wakeup.where == NOWHERE && wakeup.isAlive()) {
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
        prev.tempval = new Bomb(new DeadlockException("Deadlock: the last runnable tasklet cannot be blocked."));
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
            ErrorHandler h = errorHandler;
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
        if (t.where == RING) {
            unlink(t);
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
            if (wd.where != WAITING || interruptWait(wd)) {
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
                next = wd.where == NOWHERE && !threadBlock ? wd : awaitRemote();
            }
            if (next == null) {
                next = watchdog();
                if (next == main && main.where == CHANNEL) {
                    next.tempval = new Bomb(new DeadlockException(main.select != null
                            ? "the main tasklet is selecting without a partner available."
                            : main.blockedDirection() < 0
                            ? "the main tasklet is receiving without a sender available."
                            : "the main tasklet is sending without a receiver available."));
                }
            }
        }
        makeRunnable(next);
        if (interruptWatchdog != null) {
            startSlice(next);
        }
        callScheduleCallback(t, next);
        head = next;
        current = next;
        if (pool != null) {
            next.onCpu = true;
        }
        carrier.setNext(next.resumeAt);
    }

    /** Where {@link Stackless#run()} resumes: pop deeper watchdogs back into the ring, then claim. */
    Object runReturned() {
        Throwable fault = pendingFault;
        if (fault != null) {
            pendingFault = null;
            throw Sneaky.raise(fault);
        }
        Tasklet me = current;
        int i = watchdogs.lastIndexOf(me);
        if (i >= 0) {
            while (watchdogs.size() > i + 1) {
                Tasklet w = watchdogs.remove(watchdogs.size() - 1);
                if (w.where == NOWHERE && w.isAlive()) {
                    insert(w);
                }
            }
            watchdogs.remove(i);
        }
        Tasklet victim = null;
        if (me == interruptWatchdog) {
            // The timed run ends: no more ticks; a hard interrupt's victim leaves the queue (spec §6.2).
            interruptWatchdog = null;
            Preemption.setBudget(Long.MAX_VALUE);
            victim = interrupted;
            interrupted = null;
            if (victim != null && victim.where == RING) {
                unlink(victim);
            }
        }
        me.restoreRunFlags();
        claim(me);
        return victim;
    }

    // ---------------------------------------------------------------- module-level operations

    /** Owner: takes in what other threads handed over, while the ring is still consistent. */
    void pollIfPending() {
        if (inbox.nonEmpty() || timers != null) {
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
        me.saveRunFlags(threadBlock);
        threadBlock = o.isThreadBlock();
        if (o.tickBudget() > 0 && interruptWatchdog == null) {
            interruptWatchdog = me;
            slice = o.tickBudget();
            softIrq = o.isSoft();
            totalTimeout = o.isTotalTimeout();
            ignoreNesting = o.isIgnoreNesting();
            interrupted = null;
            if (Ticks.handler() != TICKS) {
                Ticks.setHandler(TICKS); // (re)installed by every timed run: nothing can lose it
            }
            Preemption.setBudget(slice);
        }
        watchdogs.add(me);
        unlink(me);
        return scheduleTask(me, head, RUN_RETURN);
    }

    // ---------------------------------------------------------------- preemption (spec §6)

    /** A new time slice for {@code next} (not for the watchdog itself, nor with totalTimeout). */
    private void startSlice(Tasklet next) {
        if (next == interruptWatchdog) {
            Preemption.setBudget(Long.MAX_VALUE);
        } else if (!totalTimeout) {
            Preemption.setBudget(slice);
        }
    }

    /** Whether {@code t} may be interrupted now, mid-code (spec §6.2). */
    private boolean interruptible(Tasklet t) {
        return !t.isAtomic() && !inScheduleCallback && !inChannelCallback && switchTrap == 0
                && (t.isSoft() || ignoreNesting);
    }

    /**
     * A switch from {@code prev} while a timed run is active: an interrupt that fell due while
     * {@code prev} could not be interrupted fires now (the watchdog runs instead of {@code next});
     * then a new slice starts.
     */
    private Tasklet preemptAtSwitch(Tasklet prev, Tasklet next) {
        Tasklet wd = interruptWatchdog;
        if (prev.pendingIrq && prev != wd && next != wd && !prev.isAtomic() && switchTrap == 0
                && (softIrq || prev.where == RING) && wd.where == NOWHERE && wd.isAlive()) {
            prev.pendingIrq = false;
            if (!softIrq) {
                interrupted = prev;
            }
            if (next.where == RING) {
                insertAfter(next.prev, wd); // the watchdog runs before next; the round keeps its order
            } else {
                insert(wd);
            }
            next = wd;
        }
        startSlice(next);
        return next;
    }

    /** The running code's tick budget ran out (called from woven code through {@link Preemption}). */
    void tickExpired() {
        Tasklet wd = interruptWatchdog;
        Tasklet cur = current;
        if (wd == null || cur == null || cur == wd) {
            return; // no timed run, or the watchdog's own code: the budget stays unlimited
        }
        if (softIrq || !interruptible(cur) || wd.where != NOWHERE) {
            // Deferred: at cur's next switch, or at the first tick after its atomic section.
            cur.pendingIrq = true;
            Preemption.setBudget(slice);
            return;
        }
        // Hard interrupt, here and now: cur stays in the queue until run() takes it out.
        cur.pendingIrq = false;
        interrupted = cur;
        scheduleTask(cur, wd, CLAIM);
    }

    /** A deferred interrupt of the current tasklet fires at its next tick (atomic or trap just ended). */
    void rearmPendingInterrupt() {
        Tasklet cur = current;
        if (interruptWatchdog != null && cur != null && cur.pendingIrq) {
            Preemption.setBudget(0);
        }
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
        if (switchTrap != 0 && !(me.next == me && watchdog() == me)) {
            throw new SwitchTrapException();
        }
        SoftContext.checkUnwind();
        me.tempval = retval;
        unlink(me);
        return scheduleTask(me, head, CLAIM);
    }

    // ---------------------------------------------------------------- waiting outside the scheduler

    /** Parks the running tasklet until {@code w} is handed back; returns what it was handed. */
    Object park(Wait w) {
        Tasklet me = current;
        checkTrap();
        unlink(me);
        me.where = WAITING;
        me.wait = w;
        waiting++;
        (waits != null ? waits : (waits = new java.util.HashSet<>())).add(w);
        return scheduleTask(me, head, CLAIM);
    }

    Object blocking(Callable<?> call, boolean interruptible) {
        Wait w = new Wait(current, Long.MIN_VALUE, 0, interruptible);
        checkTrap();
        BlockingPool.submit(this, w, call);
        return park(w);
    }

    /** A timer wait for {@code t}, {@code nanos} from now, in this scheduler's timers (the caller parks on it). */
    Wait timerWait(Tasklet t, long nanos) {
        if (timers == null) {
            timers = new Timers();
        }
        return timers.add(t, nanos);
    }

    /** Takes a timer wait out of the timers (it ended another way). */
    void cancelTimer(Wait w) {
        Timers q = timers;
        if (q != null) {
            q.cancel(w);
            if (q.isEmpty()) {
                timers = null;
            }
        }
    }

    Object sleep(long nanos) {
        if (nanos <= 0) {
            return schedule(null);
        }
        checkTrap();
        if (timers == null) {
            timers = new Timers();
        }
        return park(timers.add(current, nanos));
    }

    Object await(CompletionStage<?> stage) {
        var f = stage.toCompletableFuture();
        if (f.isDone()) {
            try {
                return f.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                throw Sneaky.raise(unwrap(e));
            }
        }
        Wait w = new Wait(current, Long.MIN_VALUE, 0, false);
        w.future = true;
        checkTrap();
        f.whenComplete((v, e) -> deliver(w, e == null ? v : new Bomb(unwrap(e))));
        return park(w);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** A select's timeout: a timer that does not park the tasklet (it waits in channel queues). */
    Wait addSelectTimer(Tasklet t, long nanos) {
        if (timers == null) {
            timers = new Timers();
        }
        waiting++;
        Wait w = timers.add(t, nanos);
        w.result = t.select; // marks it a select's timer
        return w;
    }

    /** Cancels a select's timer that has not fired. */
    void cancelSelectTimer(Wait w) {
        Timers q = timers;
        if (q != null && q.remove(w)) {
            waiting--;
            if (q.isEmpty()) {
                timers = null;
            }
        }
    }

    /** Any thread: hands a waiting tasklet its outcome. */
    void deliver(Wait w, Object outcome) {
        w.result = outcome;
        inbox.post(w);
    }

    /** Any thread: a tasklet of ours, dequeued by a rendezvous there, is runnable here (it is in TRANSIT). */
    void deliverRunnable(Tasklet t) {
        inbox.post(t);
    }

    /** Any thread but the owner: asks the owner to carry out {@code r}. */
    void post(Request r) {
        inbox.post(r);
    }

    /** Owner: moves tasklets handed back by other threads or woken by timers into the ring. */
    private void pollEvents() {
        pollEvents(null, null);
    }

    /** As {@link #pollEvents()}, never handing {@code keep1} or {@code keep2} to another carrier. */
    private void pollEvents(Tasklet keep1, Tasklet keep2) {
        if (inbox.nonEmpty()) {
            inbox.clearHint();
            Object o;
            while ((o = inbox.poll()) != null) {
                if (o instanceof Wait w) {
                    Tasklet t = w.tasklet;
                    if (t.wait == w) {
                        if (!(t.tempval instanceof Bomb)) {
                            t.tempval = w.result;
                        }
                        wake(t);
                    }
                } else if (o instanceof Probe.Snapshot snap) {
                    snap.take(this);
                } else if (o instanceof Steal st) {
                    handOff(st.thief(), keep1, keep2);
                } else if (o instanceof Tasklet t) {
                    if (t.where == TRANSIT && t.sched == this) {
                        t.where = NOWHERE;
                        insert(t);
                    }
                } else {
                    apply((Request) o);
                }
            }
        }
        if (backlog != null && backlog.size() != 0 && (head == null
                || (keep1 != null && keep1.where == RING && ++sincePull >= runCount))) {
            // A new tasklet joins the ring when nothing else is runnable, or once per round while
            // the running ones yield; until then it stays in the backlog, where idle carriers may take it.
            Tasklet t = backlog.poll();
            if (t != null) {
                sincePull = 0;
                insert(t);
            }
        }
        Timers q = timers;
        if (q != null) {
            long now = System.nanoTime();
            Wait w;
            while ((w = q.nextExpired(now)) != null) {
                if (w.result instanceof Select<?> sel) {
                    waiting--;
                    sel.expired(this, w); // a select's timeout: it fires unless a case did
                } else {
                    wake(w.tasklet);
                }
            }
            if (q.isEmpty() && timers == q) {
                timers = null;
            }
        }
        if (io != null) {
            io.pollIfDue();
        }
    }

    // ---------------------------------------------------------------- pool carriers

    /** An idle pool carrier asks this one for work. */
    record Steal(Scheduler thief) {
    }

    /** The pool this scheduler carries for, or null (a runAsMain thread); set before it gets work. */
    Schedulers pool;
    /** Pool carriers only: tasklets not run yet, which idle carriers may take. */
    Backlog backlog;
    /** Pool carriers: a fault inside a tasklet's end, raised in main when its run() resumes. */
    Throwable pendingFault;
    /** Pool carriers: switches since a new tasklet was last taken from the backlog into the ring. */
    private int sincePull;
    /** The tasklet switching away until its flow has suspended (then {@link #releaseSuspended} runs). */
    private Tasklet suspending;
    private final Runnable releaseSuspended = () -> {
        Tasklet t = suspending;
        suspending = null;
        if (t != null) {
            ON_CPU.setRelease(t, false);
        }
    };

    private static final java.lang.invoke.VarHandle ON_CPU;

    static {
        try {
            ON_CPU = java.lang.invoke.MethodHandles.lookup().findVarHandle(Tasklet.class, "onCpu", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Pool carriers: this carrier's index in its pool. */
    int poolIndex;

    /** Becomes carrier {@code index} of {@code p}: from now on new tasklets go to the backlog. */
    void joinPool(Schedulers p, int index) {
        backlog = new Backlog(this);
        pool = p;
        poolIndex = index;
    }

    /**
     * Owner: a new tasklet of this scheduler, made alive by {@code setup()}: a pool carrier queues
     * it in its backlog (where an idle carrier may take it), any other scheduler at the end of the
     * round.
     */
    void insertNew(Tasklet t) {
        if (backlog == null) {
            insert(t);
            return;
        }
        if (backlog.push(t)) {
            pool.workAdded(this);
        }
    }

    /**
     * Pool carriers: {@code next} is about to run and {@code prev} to suspend. {@code prev} stays
     * marked on the CPU until its flow has really suspended (the carrier loop runs the release
     * after it), so that no other carrier resumes it while its frames are still unwinding here.
     */
    private void onCpu(Tasklet prev, Tasklet next) {
        next.onCpu = true;
        suspending = prev;
        carrier.afterSuspend(releaseSuspended);
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
        t.sched = this;
        steals++;
        return true;
    }

    /** Whether {@link #adopt} would take {@code t} (changes nothing); same preconditions. */
    boolean canAdopt(Tasklet t) {
        Schedulers p = pool;
        Scheduler from = t.sched;
        if (p == null || !ADOPT || from.pool != p || t.isMain || from.closed) {
            return false;
        }
        if ((boolean) ON_CPU.getAcquire(t)) {
            return false; // its frames are still leaving the other carrier
        }
        Strand s = t.strand;
        return s != null && s.isSoft() && t.resumeAt == s;
    }

    /** The refusal when another pool carrier took {@code t} during the caller's operation on it. */
    private static IllegalStateException movedAway(Tasklet t) {
        return new IllegalStateException(t + " moved to another carrier of its pool (a rendezvous there or an idle "
                + "carrier took it) while this call ran; pool tasklets may move at any time, so act on them "
                + "with kill()/throwInto()/channels, which follow a moving tasklet, and retry the call if needed");
    }

    /**
     * Owner: takes {@code t} out of a channel's queue or the backlog, if it is there; false when a
     * rendezvous or an idle carrier of the pool took it meanwhile (it is no longer ours).
     */
    private boolean takeBack(Tasklet t) {
        if (t.where == CHANNEL && !Channel.unblock(t) && t.sched != this) {
            return false;
        }
        return t.where != QUEUED || backlog.remove(t);
    }

    /**
     * Owner: gives up to half the tasklets of the ring that may move (not the running one, not
     * main, not one inside run(), none that cannot migrate) to {@code thief}, from the end of the
     * round. They travel like rendezvous partners.
     */
    private void handOff(Scheduler thief, Tasklet keep1, Tasklet keep2) {
        Tasklet h = head;
        if (h == null || runCount < 3 || thief.closed) {
            return;
        }
        int give = (runCount - 1) / 2;
        Tasklet victim = h.prev;
        for (int seen = runCount; give > 0 && seen > 0 && victim != h; seen--) {
            Tasklet before = victim.prev;
            if (victim != current && victim != keep1 && victim != keep2 && !victim.isMain
                    && victim.strand.canMigrate() && victim.resumeAt.canMigrate() && !watchdogs.contains(victim)) {
                unlink(victim);
                steals++;
                victim.sched = thief;
                victim.where = TRANSIT;
                thief.deliverRunnable(victim);
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
    void serve(Schedulers pool) {
        while (!pool.stopping()) {
            try {
                serveOnce(pool);
            } catch (Throwable e) {
                recoverFromFault(e);
            }
        }
    }

    /** One round of {@link #serve}: run what is runnable, else wait for or take work. */
    private void serveOnce(Schedulers pool) {
        if (inbox.nonEmpty() || backlog.size() != 0) {
            // Before the work leaves the inbox or backlog: join() must never see this carrier
            // idle with work taken out but not yet run.
            idle = false;
        }
        pollEvents();
        if (runCount > 1 || backlog.size() != 0) {
            idle = false;
            run(POOL_RUN);
            return;
        }
        if (waiting > 0) {
            // Tasklets wait for calls, timers or futures: park until one comes back (posted to
            // the inbox, or the next timer), and look at stopping() again after each wake-up.
            idle = false;
            Timers q = timers;
            long nanos = q == null ? Registry.RECHECK_NANOS : Math.min(q.nanosToNext(), Registry.RECHECK_NANOS);
            if (!inbox.nonEmpty() && nanos > 0) {
                parkCarrier(nanos);
            }
            return;
        }
        idle = false;
        if (!pool.steal(this)) {
            idleWait(pool);
        }
    }

    /**
     * Nothing to run here and nothing to steal: spins a short while (at most {@link Schedulers}'s
     * bound of carriers at once) looking for work, then parks until work is posted or added to a
     * backlog ({@link Schedulers#workAdded} wakes a parked carrier when none spins). The sleep
     * itself is {@link #parkCarrier}, shared with the wait for waiting tasklets in {@code serveOnce}.
     */
    private void idleWait(Schedulers pool) {
        if (pool.startSpinning()) {
            boolean found;
            try {
                found = spinForWork(pool);
            } finally {
                pool.stopSpinning();
            }
            if (found) {
                return;
            }
        }
        idle = true;
        activity++;
        pool.parking(this, true);
        try {
            // Re-check after publishing that we park: a backlog push either sees us parked (and
            // unparks this thread) or happened before, and the look below finds it.
            if (!inbox.nonEmpty() && !pool.workVisible(this)) {
                pool.lookForWork(this);
                parkCarrier(Registry.RECHECK_NANOS);
            }
        } finally {
            pool.parking(this, false);
        }
    }

    /**
     * The one place where a pool carrier's thread sleeps between runs (idle, or while its tasklets
     * wait for calls, timers or futures): until something is posted to the inbox, the thread is
     * unparked, or {@code nanos} pass. An event source polled by the carrier belongs here.
     */
    private void parkCarrier(long nanos) {
        inbox.park(this, nanos); // an interrupt of a carrier thread means nothing to the pool: cleared
    }

    /** Spins up to {@link #SPIN_NANOS} for posted work or a backlog to steal from. */
    private boolean spinForWork(Schedulers pool) {
        long until = System.nanoTime() + SPIN_NANOS;
        int i = 0;
        while (true) {
            if (inbox.nonEmpty() || pool.stopping()) {
                return true;
            }
            if ((++i & 15) == 0) {
                if (pool.steal(this)) {
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
        insert(stolen.get(0));
        boolean woke = false;
        for (int i = 1; i < stolen.size(); i++) {
            if (backlog.push(stolen.get(i)) && !woke) {
                woke = true;
                pool.workAdded(this);
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
        if (Scheduler.current() != this) {
            throw new IllegalStateException("recoverFromFault runs on the carrier's own thread");
        }
        // Main runs (we are on the thread stack): it is current and in the ring again, out of run().
        watchdogs.clear();
        pendingFault = null;
        interruptWatchdog = null;
        interrupted = null;
        inScheduleCallback = false;
        inChannelCallback = false;
        switchTrap = 0;
        if (suspending != null) {
            releaseSuspended.run();
        }
        java.util.List<Tasklet> zombies = new java.util.ArrayList<>();
        if (head != null) {
            Tasklet t = head;
            int n = runCount;
            for (int i = 0; i < n; i++) {
                Tasklet after = t.next;
                if (t != main) {
                    t.onCpu = false;
                    if (t.strand == null || t.strand.isDone()) {
                        unlink(t);
                        zombies.add(t);
                    }
                }
                t = after;
            }
        }
        Tasklet was = current;
        if (was != null && was != main && was.where != RING && (was.strand == null || was.strand.isDone())
                && !zombies.contains(was)) {
            zombies.add(was);
        }
        if (was != null) {
            was.onCpu = false;
        }
        for (Tasklet z : zombies) {
            z.die();
        }
        current = main;
        if (main.where != RING) {
            if (main.where == NOWHERE) {
                insert(main);
            }
        }
        head = main;
        main.tempval = null;
        if (pool != null) {
            pool.dropped(zombies, e);
        }
        uncaught(e);
    }

    /** Owner, when the pool stops: what the carrier drops with its scheduler, for the pool's report. */
    java.util.List<Tasklet> droppedAtClose() {
        java.util.List<Tasklet> out = new java.util.ArrayList<>(backlog.drain());
        if (timers != null) {
            out.addAll(timers.tasklets()); // asleep: their timers never fire now
        }
        if (head != null) {
            Tasklet t = head;
            for (int i = 0, n = runCount; i < n; i++) {
                if (t != main) {
                    out.add(t);
                }
                t = t.next;
            }
        }
        for (Tasklet t : out) {
            if (t.where == NOWHERE) {
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

    /** Owner: a foreign thread's request, if it still applies (the tasklet may have moved on). */
    private void apply(Request r) {
        try {
            applyNow(r);
        } finally {
            r.tasklet().requestApplied(r.kind());
        }
    }

    private void applyNow(Request r) {
        Tasklet t = r.tasklet();
        if (t.sched != this) {
            Scheduler now = t.sched;
            if (!now.closed && t.isAlive()) {
                now.post(r); // a pool carrier took it meanwhile: the request follows it
            }
            return;
        }
        if (!t.isAlive()) {
            return;
        }
        if (t.where == TRANSIT && r.kind() != Request.Kind.THROW) {
            return; // it is on its way into the ring already
        }
        switch (r.kind()) {
            case INSERT -> {
                if (t.where == NOWHERE) {
                    insert(t);
                }
            }
            case RUN -> {
                if (t.where == QUEUED && backlog.remove(t)) {
                    insert(t);
                } else if (t.where == NOWHERE) {
                    if (head == null) {
                        insert(t);
                    } else {
                        insertAfter(head, t);
                    }
                }
            }
            case THROW -> {
                // Off the channel first (under its lock), then the bomb: a rendezvous on another
                // thread must never receive the exception meant for this tasklet.
                if (t.where == WAITING) {
                    t.tempval = r.bomb();
                    interruptWait(t);
                } else if (takeBack(t)) {
                    makeRunnable(t);
                    t.tempval = r.bomb();
                } else {
                    t.sched.post(r); // adopted or stolen by another carrier a moment ago
                }
            }
            case REMOVE -> {
                if (t.where == RING && t != current) {
                    unlink(t);
                } else if (t.where == QUEUED && !backlog.remove(t) && t.sched != this) {
                    t.sched.post(r);
                }
            }
        }
    }

    /** A waiting tasklet becomes runnable (its result, or a bomb, is in its tempval). */
    void wake(Tasklet t) {
        Wait w = t.wait;
        if (waits != null) {
            waits.remove(w);
        }
        if (w.io != null) {
            io.forget(w); // out of its key, its socket and the timers, however the wait ended
        }
        t.wait = null;
        t.where = NOWHERE;
        waiting--;
        insert(t);
    }

    /**
     * kill/throw of a waiting tasklet: a timer is cancelled and the tasklet made runnable; a blocking
     * call or future cannot be taken back, so the bomb waits in its tempval until the outcome arrives
     * (an interruptible call's worker is interrupted to hurry it). Returns true if now runnable.
     */
    boolean interruptWait(Tasklet t) {
        Wait w = t.wait;
        if (w.io != null) {
            wake(t); // a socket wait is only interest in readiness: drop it (forget cancels its timer)
            return true;
        }
        if (w.isTimer()) {
            timers.cancel(w);
            if (timers.isEmpty()) {
                timers = null;
            }
            wake(t);
            return true;
        }
        if (w.pooled && w.cancelQueued()) {
            // The call has not started (it waits for a permit): it never will; the tasklet wakes now.
            Thread pw = w.permitWaiter;
            if (pw != null) {
                pw.interrupt();
            }
            wake(t);
            return true;
        }
        Thread worker = w.worker;
        if (worker != null) {
            worker.interrupt();
        }
        return false;
    }

    /**
     * With nothing runnable: if tasklets of ours wait for the pool, a timer, a future, or were
     * handed to us, parks until one is runnable and returns the new head; otherwise null.
     */
    private Tasklet awaitLocal() {
        pollEvents();
        if (head != null) {
            return head;
        }
        if (waiting == 0) {
            return null;
        }
        boolean interrupted = false;
        while (true) {
            pollEvents();
            if (head != null || stopRequested || (pool != null && pool.stopping())) {
                break; // the pool closes: a stopping carrier leaves the waiting tasklets to be dropped
            }
            Timers q = timers;
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
                Timers q = timers;
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

    // ---------------------------------------------------------------- callbacks

    void callScheduleCallback(Tasklet prev, Tasklet next) {
        ScheduleCallback cb = scheduleCallback;
        if (cb == null) {
            return;
        }
        inScheduleCallback = true;
        int chain = SoftContext.chain(); // the switch that follows checks it
        try {
            cb.onSchedule(prev, next);
        } catch (Throwable e) {
            uncaught(e);
        } finally {
            inScheduleCallback = false;
            SoftContext.restoreChain(chain);
        }
    }

    void callChannelCallback(Channel<?> ch, Tasklet t, boolean sending, boolean willBlock) {
        ChannelCallback cb = channelCallback;
        if (cb == null) {
            return;
        }
        inChannelCallback = true;
        int chain = SoftContext.chain(); // the channel operation checks it after the callback
        try {
            cb.onChannel(ch, t, sending, willBlock);
        } catch (Throwable e) {
            uncaught(e);
        } finally {
            inChannelCallback = false;
            SoftContext.restoreChain(chain);
        }
    }

    /** Reports to the scheduler's thread's handler (not to a virtual-thread strand's own thread). */
    void uncaught(Throwable e) {
        Thread th = carrier.thread();
        th.getUncaughtExceptionHandler().uncaughtException(th, e);
    }
}
