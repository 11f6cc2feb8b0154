package org.jstackless;

import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.jstackless.internal.soft.Preemption;
import org.jstackless.internal.soft.SoftContext;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Resumption;
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

    static volatile ScheduleCallback scheduleCallback;
    static volatile ChannelCallback channelCallback;
    static volatile ErrorHandler errorHandler;
    static volatile boolean softSwitch = true;

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
    private static final Preemption.TickHandler TICKS = () -> {
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

        @Override
        public void end(Throwable error) {
            Scheduler s = current();
            s.ended(s.current, error);
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
        if (t.where == CHANNEL) {
            Channel.unblock(t); // re-checked under the channel's lock: another thread may have taken it
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
            throw new IllegalStateException("switch_trap");
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
        if (timers != null || inbox.nonEmpty()) {
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
                throw new IllegalStateException("switch_trap");
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
        carrier.setNext(next.resumeAt);
    }

    /** Where {@link Stackless#run()} resumes: pop deeper watchdogs back into the ring, then claim. */
    Object runReturned() {
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
            if (Preemption.handler() != TICKS) {
                Preemption.setHandler(TICKS); // (re)installed by every timed run: nothing can lose it
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
            throw new IllegalStateException("switch_trap");
        }
        SoftContext.checkUnwind();
        me.tempval = retval;
        unlink(me);
        return scheduleTask(me, head, CLAIM);
    }

    // ---------------------------------------------------------------- waiting outside the scheduler

    /** Parks the running tasklet until {@code w} is handed back; returns what it was handed. */
    private Object park(Wait w) {
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
            if (q.isEmpty()) {
                timers = null;
            }
        }
    }

    /** An idle pool carrier asks this one for work. */
    record Steal(Scheduler thief) {
    }

    /**
     * Owner: gives the tasklet at the end of the round to {@code thief}, if there is one to spare (not
     * the running one, not main, not one inside run()). It travels like a rendezvous partner.
     */
    private void handOff(Scheduler thief, Tasklet keep1, Tasklet keep2) {
        Tasklet h = head;
        if (h == null || runCount < 2 || thief.closed) {
            return;
        }
        Tasklet victim = h.prev;
        if (victim == current || victim == keep1 || victim == keep2 || victim.isMain
                || !victim.strand.canMigrate() || !victim.resumeAt.canMigrate() || watchdogs.contains(victim)) {
            return;
        }
        unlink(victim);
        steals++;
        victim.sched = thief;
        victim.where = TRANSIT;
        thief.deliverRunnable(victim);
    }

    /**
     * A pool carrier's life: run tasklets as they arrive, and when there are none, ask the busiest
     * peer for one and park until something is posted. Returns when the pool stops.
     */
    void serve(Schedulers pool) {
        while (!pool.stopping()) {
            if (inbox.nonEmpty()) {
                // Before pollEvents clears the hint: join() must never see this carrier idle with
                // the work already taken out of its inbox but not yet run.
                idle = false;
            }
            pollEvents();
            if (runCount > 1) {
                idle = false;
                run(POOL_RUN);
                continue;
            }
            if (waiting > 0) {
                idle = false;
                awaitLocal();
                continue;
            }
            idle = true;
            activity++;
            pool.lookForWork(this);
            inbox.park(this, Registry.RECHECK_NANOS);
        }
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
        if (t.sched != this || !t.isAlive()) {
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
                if (t.where == NOWHERE) {
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
                } else {
                    makeRunnable(t);
                    t.tempval = r.bomb();
                }
            }
            case REMOVE -> {
                if (t.where == RING && t != current) {
                    unlink(t);
                }
            }
        }
    }

    /** A waiting tasklet becomes runnable (its result, or a bomb, is in its tempval). */
    private void wake(Tasklet t) {
        waits.remove(t.wait);
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
        if (w.isTimer()) {
            timers.cancel(w);
            if (timers.isEmpty()) {
                timers = null;
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
            if (head != null) {
                break;
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
            if (head != null || deadlock || !Registry.othersLive(this)) {
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
