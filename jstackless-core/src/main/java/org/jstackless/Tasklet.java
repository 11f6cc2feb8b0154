package org.jstackless;

import java.util.concurrent.atomic.AtomicLong;
import org.jstackless.internal.Errors;
import org.jstackless.internal.switching.Strand;

/**
 * A microthread: a body that runs on its thread's cooperative scheduler and switches only at
 * well-defined points (schedule, channel operations, run, kill...). Stackless's {@code tasklet},
 * with its life cycle (spec §3.11):
 *
 * <pre>
 *   new Tasklet(f)      bound      (not alive, tempval holds f)
 *   setup() / spawn(f)  scheduled  (in the run queue)
 *   running             current
 *   channel operation   blocked    (in the channel's queue)
 *   remove() / switch   paused     (alive, in no queue)
 *   returns / kill()    dead
 * </pre>
 *
 * <p>A tasklet belongs to the thread that created it. Its {@link #tempval() tempval} is its
 * mailbox: what a suspending call returns when the tasklet resumes (a {@link Bomb} there is thrown).
 * Methods that may switch declare {@code throws Suspendable}. Misuse raises
 * {@link IllegalStateException} with Stackless's message text, and leaves the tasklet and the
 * queue unchanged.
 */
public final class Tasklet extends Waiter {
    private static final AtomicLong IDS = new AtomicLong();

    // State and links: written only by States (the state machine), see its table.
    /** The owning scheduler: changes by bindThread, and for pool tasklets when a carrier takes it. */
    Scheduler sched;
    final long id;
    /** The frames: null when not alive, and for main, whose frames are the thread's own stack. */
    Strand strand;
    /**
     * The flow to resume when switching to this tasklet: its strand, or (main) the thread stack,
     * or the strand of a greenlet/coroutine/generator it was running when it last switched away.
     */
    Strand resumeAt;
    Object tempval;
    /** Links in the run queue (circular); null outside it. */
    Tasklet next;
    Tasklet prev;
    byte where;
    /**
     * One slot for two records that never coexist: the {@link Select} it is blocked in (its cases
     * are the records) or is being woken from, or the {@link Wait} it parks on outside the
     * scheduler while {@code where == WAITING}; else null. See {@link #selecting()} and {@link #parkedOn()}.
     */
    Object waitingFor;
    /**
     * Bit flags (below {@link #RUN_FLAGS_SHIFT}) and, above them, the stack of threadBlock flags its
     * nested run() calls saved (innermost in the lowest bit; 24 levels, deeper ones restore false).
     */
    int flags;
    /** This is its thread's main tasklet (the thread's own stack); set once, at construction. */
    static final int MAIN = 1;
    /** Main is alive while its thread runs Stackless; other tasklets while they have a strand. */
    static final int MAIN_ALIVE = 2;
    static final int ATOMIC = 4;
    static final int BLOCK_TRAP = 8;
    /** An interrupt fell due while this tasklet could not be interrupted (spec §6.2). */
    static final int PENDING_IRQ = 16;
    static final int FLAG_MASK = 0xff;
    static final int RUN_FLAGS_SHIFT = 8;
    /**
     * What other threads asked of this tasklet and its owner has not carried out yet: written only
     * by {@link Requests}, which says how it counts.
     */
    volatile short requested;
    /** Pool carriers: set while it runs or its flow is still suspending (see PoolCarrier.adopt); written only by {@link States}. */
    boolean onCpu;

    /** A tasklet bound to {@code body}, not yet alive: {@code setup()} or {@code insert()} starts it. */
    public Tasklet(TaskletBody body) {
        this(body, Scheduler.current());
    }

    /** A tasklet bound to {@code body} that belongs to scheduler {@code s} (a pool's carrier). */
    Tasklet(TaskletBody body, Scheduler s) {
        this.sched = s;
        this.id = IDS.incrementAndGet();
        this.tempval = body;
    }

    /** The main tasklet of a scheduler: the thread's own stack. */
    Tasklet(Scheduler s) {
        this.sched = s;
        this.id = IDS.incrementAndGet();
        this.flags = MAIN | MAIN_ALIVE;
    }

    /** Creates a tasklet running {@code body} and puts it at the end of the run queue. */
    public static Tasklet spawn(TaskletBody body) {
        return new Tasklet(body).setup();
    }

    // ---------------------------------------------------------------- binding

    /**
     * Binds a new body ({@code null}: unbinds). A tasklet that was paused loses its frames without
     * running their finally blocks (spec §3.1).
     */
    public Tasklet bind(TaskletBody body) {
        if (sched.ended() && !isMain()) {
            // Its thread's session is over (spec §9, test_thread.py test_methods_on_dead): it stays
            // dead and in no queue; binding only replaces what setup() would start, were it rebound.
            dropFrames();
            States.forgotten(this);
            Requests.forget(this);
            tempval = body;
            return this;
        }
        Scheduler s = own();
        s.drainIfAsked(this);
        if (this == s.current) {
            throw new IllegalStateException(Errors.BIND_CURRENT);
        }
        if (where != States.NOWHERE) {
            throw new IllegalStateException(Errors.BIND_SCHEDULED);
        }
        if (isMain()) {
            throw new IllegalStateException(Errors.UNBIND_MAIN);
        }
        dropFrames();
        tempval = body;
        return this;
    }

    /** Makes a bound tasklet alive and inserts it at the end of the run queue. */
    public Tasklet setup() {
        Scheduler s = ownOrNull();
        if (s != null) {
            s.drainIfAsked(this);
        }
        if (isAlive()) {
            throw new IllegalStateException(Errors.SETUP_ALIVE);
        }
        if (!(tempval instanceof TaskletBody body)) {
            throw new IllegalStateException(Errors.SETUP_UNBOUND);
        }
        strand = Mechanisms.factoryFor(body).create(body, Scheduler.ENTRY);
        resumeAt = strand;
        tempval = null;
        if (org.jstackless.internal.observe.SetupHook.on) {
            org.jstackless.internal.observe.SetupHook.setup(this, id, strand.isSoft());
        }
        if (s == null) {
            if (sched.backlog != null) {
                if (sched.backlog.push(this)) { // a pool carrier's: any thread may queue new work there
                    sched.pool.workAdded(sched);
                }
                return this;
            }
            return Requests.request(this, Request.Kind.INSERT, null);
        }
        s.insertNew(this);
        return this;
    }

    // ---------------------------------------------------------------- queue manipulation

    /** Puts this tasklet at the end of the run queue; no-op if it is already scheduled. */
    public Tasklet insert() {
        Scheduler s = ownOrNull();
        if (s == null) {
            return Requests.request(this, Request.Kind.INSERT, null);
        }
        s.drainIfAsked(this);
        if (where == States.WAITING) {
            return this; // it comes back by itself
        }
        checkRunnable(s);
        if (where == States.NOWHERE) {
            States.insert(s, this);
        }
        return this;
    }

    /** Takes this tasklet out of the run queue (it becomes paused); no-op if it is not scheduled. */
    public Tasklet remove() {
        if (sched.ended()) {
            return this; // its thread's session is over: it is dead and in no queue (spec §9)
        }
        Scheduler s = ownOrNull();
        if (s == null) {
            // Another thread's tasklet: the caller sees it paused from now on; its owner takes it
            // out of its queue at its next switch (spec §9: what Stackless does under the GIL).
            checkRemovable(this == sched.current && Requests.state(this) == 0);
            if (!isAlive()) {
                return this;
            }
            Requests.post(this, Request.Kind.REMOVE, null);
            return this;
        }
        s.drainIfAsked(this);
        checkRemovable(this == s.current);
        if (where == States.RING) {
            States.unlink(s, this);
        } else if (where == States.QUEUED) {
            s.backlog.remove(this); // not run yet; false only if an idle carrier took it a moment ago
        }
        return this;
    }

    /** The refusals of remove(), from the owner's thread or another (a running tasklet cannot be waiting). */
    private void checkRemovable(boolean running) {
        if (where == States.CHANNEL) {
            throw new IllegalStateException(Errors.REMOVE_BLOCKED);
        }
        if (where == States.WAITING) {
            throw new IllegalStateException(Errors.REMOVE_WAITING);
        }
        if (running) {
            throw new IllegalStateException(Errors.REMOVE_CURRENT);
        }
    }

    /**
     * Runs this tasklet now: inserted at the end of the round if it was not scheduled, else the
     * queue's head jumps to it. The caller stays runnable. Returns the caller's tempval when it
     * is resumed.
     */
    public Object run() throws Suspendable {
        Scheduler s = ownOrNull();
        if (s == null) {
            Requests.request(this, Request.Kind.RUN, null);
            return null;
        }
        s.drainIfAsked(this);
        checkRunnable(s);
        Tasklet me = s.current;
        if (this != me) {
            s.checkTrap();
        }
        return s.scheduleTask(me, this, Scheduler.CLAIM);
    }

    /** Like {@link #run()}, but the caller is paused (removed from the run queue). */
    public Object switchTo() throws Suspendable {
        if (ownOrNull() == null) {
            throw new IllegalStateException(Errors.SWITCH_THREAD);
        }
        Scheduler s = own();
        s.drainIfAsked(this);
        checkRunnable(s);
        Tasklet me = s.current;
        if (this == me) {
            return Scheduler.claim(me);
        }
        s.checkTrap();
        if (s.inScheduleCallback) {
            throw Errors.recursiveSchedule();
        }
        States.makeRunnable(s, this);
        States.unlink(s, me);
        return s.scheduleTask(me, this, Scheduler.CLAIM);
    }

    private void checkRunnable(Scheduler s) {
        if (where == States.CHANNEL) {
            throw new IllegalStateException(Errors.RUN_BLOCKED);
        }
        if (where == States.WAITING) {
            throw new IllegalStateException(Errors.RUN_WAITING);
        }
        if (!isAlive() && this != s.current) {
            throw new IllegalStateException(Errors.RUN_DEAD);
        }
    }

    // ---------------------------------------------------------------- kill and throw

    /** Raises {@link TaskletExit} in this tasklet now; no-op if it is not alive. */
    public void kill() throws Suspendable {
        kill(false);
    }

    /**
     * Raises {@link TaskletExit} in this tasklet: at once (the caller switches to it) or, when
     * {@code pending}, the next time it runs (it is made runnable). No-op if it is not alive.
     */
    public void kill(boolean pending) throws Suspendable {
        if (!isAlive()) {
            return;
        }
        throwInto(new TaskletExit(), pending);
    }

    /** Raises {@code t} in this tasklet now (spec §3.3). */
    public void throwInto(Throwable t) throws Suspendable {
        throwInto(t, false);
    }

    /**
     * Raises {@code t} in this tasklet: at once, the caller switching to it and staying runnable,
     * or when {@code pending}, when it next runs. A tasklet that has not started never runs its
     * body. In the current tasklet, {@code t} is thrown right here.
     */
    public void throwInto(Throwable t, boolean pending) throws Suspendable {
        java.util.Objects.requireNonNull(t, "throwInto needs an exception");
        Scheduler s = ownOrNull();
        if (s == null) {
            // Another thread's tasklet: it cannot be switched to from here, so the throw is pending.
            if (!isAlive()) {
                if (t instanceof TaskletExit) {
                    return;
                }
                throw new IllegalStateException(Errors.THROW_DEAD);
            }
            Requests.request(this, Request.Kind.THROW, new Bomb(t));
            return;
        }
        Tasklet me = s.current;
        if (this == me) {
            throw Sneaky.raise(t);
        }
        if (!isAlive()) {
            if (t instanceof TaskletExit) {
                if (where == States.RING) {
                    States.unlink(s, this);
                }
                return;
            }
            throw new IllegalStateException(Errors.THROW_DEAD);
        }
        if (!pending) {
            s.checkTrap();
        }
        Bomb bomb = new Bomb(t);
        if (where == States.WAITING) {
            tempval = bomb;
            if (!s.waits.interruptWait(this) || pending) {
                return; // a blocking call or future: the bomb explodes when its outcome arrives
            }
            s.scheduleTask(me, this, Scheduler.CLAIM);
            return;
        }
        if (pending) {
            States.makeRunnable(s, this);
            tempval = bomb;
            return;
        }
        if (where == States.CHANNEL) {
            Channel.unblock(this); // re-checked under the channel's lock: another thread may have taken it
        }
        tempval = bomb;
        s.scheduleTask(me, this, Scheduler.CLAIM);
    }

    // ---------------------------------------------------------------- state

    /** True while the tasklet has frames (or is the running one, or its thread's main). */
    public boolean isAlive() {
        if (sched.ended()) {
            return false; // its thread's session is over: its tasklets are dead (spec §9)
        }
        return isMain() ? States.flag(this, MAIN_ALIVE) : strand != null;
    }

    /**
     * Alive but in no queue: after remove(), switchTo() away, inside run(), or unpickled. After a
     * {@code remove()} (or {@code insert()}) from another thread, that request counts at once,
     * although its owner carries it out at its next switch.
     */
    public boolean isPaused() {
        int req = Requests.state(this);
        return isAlive() && (req == Requests.REMOVED || req != Requests.INSERTED && where == States.NOWHERE);
    }

    /** Blocked in a channel operation or a {@link Select}. */
    public boolean isBlocked() {
        return where == States.CHANNEL && !sched.ended();
    }

    /** In the run queue or blocked on a channel (counting a pending request as {@link #isPaused} does). */
    public boolean isScheduled() {
        int req = Requests.state(this);
        return !sched.ended() && (req == Requests.INSERTED || req != Requests.REMOVED && where != States.NOWHERE);
    }

    /** The thread's main tasklet. */
    public boolean isMain() {
        return (flags & MAIN) != 0;
    }

    /** The tasklet running now on its thread. */
    public boolean isCurrent() {
        return this == sched.current && !sched.ended();
    }

    /** Whether preemption is held off for this tasklet. */
    public boolean isAtomic() {
        return States.flag(this, ATOMIC);
    }

    /** Sets the atomic flag; returns the previous value. */
    public boolean setAtomic(boolean on) {
        boolean old = States.flag(this, ATOMIC);
        States.setFlag(this, ATOMIC, on);
        if (old && !on && States.flag(this, PENDING_IRQ) && this == sched.current) {
            TimedRun.rearm(sched); // the interrupt deferred by the atomic section fires now
        }
        return old;
    }

    /** True when the tasklet could be restored by unpickling: no native stack is part of it. */
    public boolean isRestorable() {
        if (isMain()) {
            return false;
        }
        return strand == null || strand.isRestorable();
    }

    /** True when this tasklet switches softly (its body is woven and soft switching is on). */
    public boolean isSoft() {
        return strand != null && strand.isSoft();
    }

    /** The mailbox: a bound body, a value in flight, what the next resume returns, or a Bomb. */
    public Object tempval() {
        return tempval;
    }

    /** Replaces the mailbox; a {@link Bomb} makes the tasklet raise when it resumes. */
    public void setTempval(Object v) {
        tempval = v;
    }

    /**
     * The next tasklet in the run queue (circular) or in its channel's queue (null at the end; in a
     * select, the queue of its first case).
     */
    public Tasklet next() {
        if (sched.ended()) {
            return null;
        }
        Waiter w = where == States.CHANNEL ? queuedWaiter() : null;
        return w == null ? next : w.after == null ? null : w.after.tasklet();
    }

    /** The previous tasklet in the run queue (circular) or in its channel's queue (null at the start). */
    public Tasklet prev() {
        if (sched.ended()) {
            return null;
        }
        Waiter w = where == States.CHANNEL ? queuedWaiter() : null;
        return w == null ? prev : w.before == null ? null : w.before.tasklet();
    }

    /** The select it is blocked in, or was woken from and has not resumed in yet; else null. */
    Select<?> selecting() {
        return waitingFor instanceof Select<?> s ? s : null;
    }

    /** What it waits for outside the scheduler while {@code where == WAITING}; else null. */
    Wait parkedOn() {
        return waitingFor instanceof Wait w ? w : null;
    }

    /** While blocked: the record of its plain wait, or of its select's first queued case; else null. */
    Waiter queuedWaiter() {
        Select<?> sel = selecting();
        return sel != null ? sel.firstQueued() : channel != null ? this : null;
    }

    /** While blocked: +1 sending, -1 receiving (a select: its first queued case); else 0. */
    int blockedDirection() {
        Waiter w = where == States.CHANNEL ? queuedWaiter() : null;
        return w == null ? 0 : w.dir;
    }

    /**
     * A suspended tasklet's frames, innermost first, like a thread dump: the frames of its body down
     * to the call that suspended it (the library's own switching frames are left out). Empty when
     * the tasklet is not started, dead, running, or its frames cannot be seen:
     * <ul>
     * <li>soft: the woven frames, from any thread;
     * <li>hard (JDK continuation): read from the continuation, on the tasklet's own thread only
     *     (elsewhere it could be resumed while being read), so empty when asked from another thread;
     * <li>hard on the virtual-thread fallback: that thread's stack trace, as the JDK reports it.
     * </ul>
     */
    public StackTraceElement[] suspendedStackTrace() {
        Strand s = strand;
        if (s == null || this == sched.current
                || (!s.isSoft() && sched.carrier != org.jstackless.internal.switching.Carrier.peek())) {
            return new StackTraceElement[0];
        }
        return s.suspendedStackTrace();
    }

    /**
     * Number of active frames of the tasklet's body: 0 when not started or dead. Soft tasklets count
     * their saved frames exactly; a suspended hard tasklet's frames cannot be seen, and it reports 1.
     */
    public int recursionDepth() {
        if (isMain() || strand == null) {
            return 0;
        }
        int d = strand.frameDepth();
        return d >= 0 ? d : 1;
    }

    /** The channel this tasklet is blocked on (in a select, its first case's), or null. */
    public Channel<?> blockedOn() {
        Waiter w = where == States.CHANNEL ? queuedWaiter() : null;
        return w == null ? null : w.channel;
    }

    /** Whether a channel operation that would block raises instead (spec §3.10). */
    public boolean blockTrap() {
        return States.flag(this, BLOCK_TRAP);
    }

    /** Makes channel operations that would block raise {@link IllegalStateException}. */
    public void setBlockTrap(boolean on) {
        States.setFlag(this, BLOCK_TRAP, on);
    }

    /** The thread whose scheduler this tasklet belongs to. */
    public Thread thread() {
        return sched.carrier.thread();
    }

    /**
     * Moves this tasklet to thread {@code t}'s scheduler (spec §3.8): from then on it runs there, and
     * its channel operations rendezvous across threads. It must not be in a run queue (paused or
     * blocked are fine); {@code t} must have entered Stackless. A soft tasklet may always move; a hard
     * one only before it starts (Stackless refuses tasklets with C state likewise). Call it on the
     * tasklet's own thread or on {@code t}; a tasklet whose thread's session ended may be rescued
     * from any thread.
     */
    public Tasklet bindThread(Thread t) {
        java.util.Objects.requireNonNull(t, "bindThread needs a thread");
        Scheduler from = sched;
        boolean here = t == Thread.currentThread();
        Scheduler to = here ? Scheduler.current() : Registry.of(t);
        if (to == null) {
            throw new IllegalArgumentException("bad thread: " + t.getName() + " has no Stackless scheduler "
                    + "(it must call into Stackless first, e.g. through runAsMain)");
        }
        if (to == from) {
            return this;
        }
        boolean fromEnded = from.ended();
        boolean byOwner = !fromEnded && from.carrier == org.jstackless.internal.switching.Carrier.peek();
        if (!byOwner && !here && !fromEnded) {
            throw new IllegalStateException("bindThread must be called on the tasklet's own thread or on the "
                    + "thread it moves to");
        }
        if (isMain()) {
            throw new IllegalStateException(Errors.BIND_MAIN);
        }
        if (fromEnded) {
            // Rescued from a thread whose session is over (spec §9, test_rebind_from_dead): that
            // run queue and inbox are never used again, so the tasklet simply leaves them.
            if (where == States.RING || where == States.TRANSIT) {
                States.forgotten(this);
            }
            Requests.forget(this);
        }
        if (byOwner) {
            from.drainIfAsked(this);
        } else if (!fromEnded) {
            Requests.awaitApplied(this, from);
        }
        if ((this == from.current && !fromEnded) || where == States.RING || where == States.TRANSIT) {
            throw new IllegalStateException(Errors.BIND_RUNNABLE);
        }
        if (where == States.WAITING) {
            throw new IllegalStateException(Errors.BIND_WAITING);
        }
        if (strand != null && !strand.canMigrate()) {
            throw new IllegalStateException("a hard tasklet that has started cannot move to another thread: the "
                    + "JDK continuation's compiled frames may keep the old thread. Bind it before it starts, "
                    + "or make it soft (weave its code)");
        }
        if (where == States.CHANNEL && selecting() != null) {
            throw new IllegalStateException("can't (re)bind a tasklet blocked in a select: its cases wait on "
                    + "several channels; bind it before or after the select");
        }
        Channel<?> ch = where == States.CHANNEL ? channel : null;
        if (ch != null) {
            ch.lock();
            try {
                States.rebound(this, to); // a rendezvous now hands it to its new thread
            } finally {
                ch.unlock();
            }
        } else {
            States.rebound(this, to);
        }
        return this;
    }

    // ---------------------------------------------------------------- internals

    /** The owning scheduler if the caller runs on its thread, else null (checking it has not ended). */
    private Scheduler ownOrNull() {
        Scheduler s = sched;
        if (s.carrier == org.jstackless.internal.switching.Carrier.peek()) {
            if (s.closed) {
                throw ended();
            }
            return s;
        }
        if (s.ended()) {
            throw ended();
        }
        return null;
    }

    private IllegalStateException ended() {
        return new IllegalStateException("tasklet " + id + " is dead: it belongs to thread " + thread().getName()
                + ", whose Stackless session has ended (its runAsMain returned or the thread ended); tasklets "
                + "cannot outlive it. Move it to a live thread with bindThread first");
    }

    /** The owning scheduler, checking that the caller runs on its thread. */
    private Scheduler own() {
        Scheduler s = sched;
        if (s.carrier != org.jstackless.internal.switching.Carrier.peek()) {
            throw new IllegalStateException("tasklet " + id + " belongs to thread " + thread().getName()
                    + "; operating on it from another thread is not supported yet");
        }
        if (s.closed) {
            throw ended();
        }
        return s;
    }

    /** Drops frames without running code; the tasklet becomes not alive. */
    private void dropFrames() {
        Strand s = strand;
        strand = null;
        resumeAt = null;
        if (s != null) {
            s.discard();
        }
        if (where != States.CHANNEL) {
            States.leaveSelect(this); // a select it was woken from is over with the frames that made it
        }
    }

    /** The tasklet ended (its strand is finishing by itself): it is no longer alive. */
    void die() {
        if (isMain()) {
            States.setFlag(this, MAIN_ALIVE, false);
        }
        strand = null;
        resumeAt = null;
        tempval = null;
    }

    /** Its scheduler closed while it was suspended: drop its frames without running code. */
    void abandon() {
        dropFrames();
        die();
    }

    @Override
    public String toString() {
        return (isMain() ? "Tasklet[main " : "Tasklet[") + id + "]";
    }
}
