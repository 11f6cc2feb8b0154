package org.jstackless;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jstackless.internal.Errors;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Resumption;

/**
 * Waits for the first of several channel operations (Go's {@code select}, Kotlin's
 * {@code select}), with each channel's Stackless rules.
 *
 * <pre>{@code
 * String got = new Select<String>()
 *         .onReceive(numbers, n -> "number " + n)
 *         .onSend(words, "hello", () -> "sent")
 *         .timeout(Duration.ofSeconds(1), () -> "nothing")
 *         .select();
 * }</pre>
 *
 * <p>Algorithm (Go's {@code selectgo}): the cases are visited in a fresh random order; the first
 * that can complete at once completes exactly as the plain operation would (a waiting partner is
 * served with the channel's {@link Channel#preference() preference} and {@code scheduleAll}, a
 * buffered channel stores or yields a value) — so when several are ready the choice is uniformly
 * random. If none can, a {@link #orDefault default} runs instead; otherwise the tasklet blocks with
 * one {@link Waiter} record per case in every case's channel queue, all locks held so no partner
 * slips between the look and the wait. The first partner, timeout, kill or {@link Channel#close()}
 * to fire the select (a compare-and-set on its state) wins; it takes the select's records out of
 * every queue before the tasklet runs again. Then the chosen case's handler runs in the selecting
 * tasklet and its result is what {@link #select()} returns.
 *
 * <p>Rules: a select with no case ready blocks only if it may (no switch trap, no block trap, and
 * none of its channels closing — else {@link IllegalStateException} or
 * {@link ChannelClosedException}, as a plain operation); an exception sent with
 * {@link Channel#sendException} to a receive case is raised by {@code select()}; killing or
 * throwing into a tasklet blocked in a select takes it out of every queue; closing one of its
 * channels raises {@link ChannelClosedException} from {@code select()}. The channel callback
 * reports the case that completes ({@code willBlock} false), or every case when the select
 * blocks ({@code willBlock} true). A select cannot both send and receive on one channel (its
 * cases could only meet each other). A {@code Select} may be built once and selected again and
 * again, but by one tasklet at a time; a tasklet blocked in a select cannot move to another
 * thread. A soft tasklet blocked in a select pickles ({@link Pickler}) with the select, its
 * channels, the values its send cases offer and its handlers (so the handlers must be
 * serializable lambdas or objects, as the interfaces below are), and comes back blocked in the
 * loaded copy of the same select, queued on every case's loaded channel, with the time its timeout
 * had left.
 *
 * @param <R> what the handlers, and so {@link #select()}, return
 */
public final class Select<R> {
    /** A receive case's handler: gets the value received. */
    @FunctionalInterface
    public interface Received<T, R> extends java.io.Serializable {
        /** Runs in the selecting tasklet once {@code value} was received. */
        R received(T value) throws Suspendable;
    }

    /** The handler of a send case, of the default, or of the timeout. */
    @FunctionalInterface
    public interface Then<R> extends java.io.Serializable {
        /** Runs in the selecting tasklet once its case was chosen. */
        R run() throws Suspendable;
    }

    private static final int IDLE = 0;
    private static final int WAITING = 1;
    private static final int FIRED = 2;
    static final int DEFAULT = -1;
    static final int TIMEOUT = -2;
    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Select.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * After a blocking select: its tasklet, resumed on its own thread, drops the timer and any record
     * still queued, then claims its mailbox (the value received, or the exception to raise).
     */
    static final Resumption RESUMED = () -> {
        Scheduler s = Scheduler.current();
        Tasklet me = s.current;
        Select<?> sel = States.leaveSelect(me);
        sel.afterWake(s);
        return Scheduler.claim(me);
    };

    private record Case(Channel<?> channel, int dir, Object value, Object handler) {
    }

    private final ArrayList<Case> cases = new ArrayList<>(4);
    private Then<? extends R> orElse;
    private long timeoutNanos = -1;
    private Then<? extends R> onTimeout;

    // Per-selection state. Invariant: state is WAITING exactly while `owner` is blocked in this select
    // and may be fired; FIRED from the winning compare-and-set until `owner` runs again (RESUMED).
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /** The chosen case's index, or DEFAULT / TIMEOUT; written by the winner of the compare-and-set. */
    int fired;
    /** The select's pending timeout, owner thread only. */
    Wait timer;
    private Tasklet owner;
    private SelectWaiter[] records;
    /** Unpickled: the time the pickled selection's timeout had left, for {@link #restoreBlocked}; else -1. */
    private long restoredRemaining = -1;
    private Channel<?>[] lockOrder;
    private int[] order;

    /** An empty select: add cases with {@code onReceive}/{@code onSend}, then call {@link #select()}. */
    public Select() {
    }

    /** A case that receives from {@code ch}; {@code then} gets the value and makes the select's result. */
    public <T> Select<R> onReceive(Channel<T> ch, Received<? super T, ? extends R> then) {
        return add(ch, -1, null, Objects.requireNonNull(then, "onReceive needs a handler"));
    }

    /** A case that sends {@code value} on {@code ch}; {@code then} makes the select's result. */
    public <T> Select<R> onSend(Channel<T> ch, T value, Then<? extends R> then) {
        return add(ch, 1, value, Objects.requireNonNull(then, "onSend needs a handler"));
    }

    /** Makes the select non-blocking: {@code then} runs when no case can complete at once. */
    public Select<R> orDefault(Then<? extends R> then) {
        if (timeoutNanos >= 0) {
            throw new IllegalStateException("a select has a default or a timeout, not both");
        }
        orElse = Objects.requireNonNull(then, "orDefault needs a handler");
        return this;
    }

    /** Gives up after {@code d}: then {@code then} runs (a zero duration acts as a default). */
    public Select<R> timeout(Duration d, Then<? extends R> then) {
        if (orElse != null) {
            throw new IllegalStateException("a select has a default or a timeout, not both");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("a select's timeout cannot be negative: " + d);
        }
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        timeoutNanos = nanos;
        onTimeout = Objects.requireNonNull(then, "timeout needs a handler");
        return this;
    }

    private Select<R> add(Channel<?> ch, int dir, Object value, Object handler) {
        Objects.requireNonNull(ch, "a select case needs a channel");
        if (state != IDLE) {
            throw new IllegalStateException("this Select is in use by a blocked tasklet; add cases before selecting");
        }
        for (Case c : cases) {
            if (c.channel == ch && c.dir != dir) {
                throw new IllegalArgumentException("a select cannot both send and receive on one channel: the two "
                        + "cases could only meet each other; use two selects or two channels");
            }
        }
        cases.add(new Case(ch, dir, value, handler));
        lockOrder = null;
        records = null;
        return this;
    }

    /**
     * Completes one case (see the class comment) and returns what its handler returns; with no case
     * ready, runs the default, or blocks until a case completes or the timeout runs out.
     */
    @SuppressWarnings("unchecked")
    public R select() throws Suspendable {
        Object v = await();
        int i = fired;
        if (i == DEFAULT) {
            return orElse.run();
        }
        if (i == TIMEOUT) {
            return onTimeout.run();
        }
        Case c = cases.get(i);
        if (c.dir > 0) {
            return ((Then<R>) c.handler).run();
        }
        return ((Received<Object, R>) c.handler).received(v);
    }

    /** Completes a case, chooses the default, or blocks; sets {@link #fired}, returns the value received. */
    Object await() throws Suspendable {
        Scheduler s = Scheduler.current();
        if (s.inChannelCallback) {
            throw Errors.recursiveChannel();
        }
        int n = cases.size();
        if (n == 0 && orElse == null && timeoutNanos < 0) {
            throw new IllegalStateException("a select needs a case, a default or a timeout");
        }
        if (state != IDLE) {
            Tasklet o = owner;
            if (o != null && o.selecting() == this) {
                throw new IllegalStateException("this Select is in use: another tasklet is blocked in it; use one "
                        + "Select per tasklet");
            }
            // Its tasklet was woken from it but lost its frames (rebound) before it ran again.
            timer = null;
            owner = null;
            state = IDLE;
        }
        Tasklet me = s.current;
        int[] ord = shuffle(n);
        if (Callbacks.channelCallback != null) {
            report(s, me, ord);
        }
        Channel<?>[] locks = locks();
        Waiter w = null;
        int how = 0;
        int chosen = -1;
        String refusal = null;
        for (Channel<?> ch : locks) {
            ch.lock();
        }
        try {
            for (int k = 0; k < n && w == null; k++) {
                Case c = cases.get(ord[k]);
                me.tempval = c.value;
                try {
                    w = c.channel.complete(s, me, c.value, c.dir);
                } catch (RuntimeException e) {
                    me.tempval = null; // a switch trap: nothing changed
                    throw e;
                }
                chosen = ord[k];
            }
            if (w != null) {
                how = w.how; // under the locks: a remote partner may run and wait again at once
            }
            if (w == null) {
                me.tempval = null;
                if (orElse != null || timeoutNanos == 0) {
                    fired = orElse != null ? DEFAULT : TIMEOUT;
                    return null;
                }
                for (int k = 0; k < n && refusal == null; k++) {
                    refusal = cases.get(k).channel.refusal(s, me);
                }
                if (refusal == null) {
                    // A soft tasklet that cannot unwind from here is refused before it joins any queue.
                    org.jstackless.internal.soft.SoftContext.checkUnwind();
                    block(s, me, n);
                }
            }
        } finally {
            for (Channel<?> ch : locks) {
                ch.unlock();
            }
        }
        if (refusal != null) {
            throw Channel.refuse(refusal);
        }
        if (w == null) {
            return s.scheduleTask(me, s.head, RESUMED);
        }
        fired = chosen;
        if (w == Channel.DONE) {
            return Scheduler.claim(me);
        }
        return cases.get(chosen).channel.afterMatch(s, me, w, how, cases.get(chosen).dir, s.claimFor(me));
    }

    /**
     * Every lock is held: the tasklet leaves the ring and waits in each case's queue. The records
     * are new for each selection, so that a partner that fired an earlier one and takes its records
     * out late cannot touch this one's.
     */
    private void block(Scheduler s, Tasklet me, int n) {
        SelectWaiter[] rs = new SelectWaiter[n];
        for (int i = 0; i < n; i++) {
            rs[i] = new SelectWaiter(me, this, i, rs);
        }
        records = rs;
        States.blockInSelect(s, me, this);
        owner = me;
        if (timeoutNanos > 0) {
            timer = s.waits.addSelectTimer(me, this, timeoutNanos);
        }
        state = WAITING;
        for (int i = 0; i < n; i++) {
            Case c = cases.get(i);
            rs[i].value = c.value;
            c.channel.enqueue(rs[i], c.dir);
        }
    }

    private int[] shuffle(int n) {
        int[] ord = order;
        if (ord == null || ord.length != n) {
            order = ord = new int[n];
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            int j = rnd.nextInt(i + 1);
            ord[i] = ord[j];
            ord[j] = i;
        }
        return ord;
    }

    /** The case channels, each once, in lock order. */
    private Channel<?>[] locks() {
        Channel<?>[] l = lockOrder;
        if (l == null) {
            l = cases.stream().map(Case::channel).distinct().sorted(Comparator.comparingLong(c -> c.id))
                    .toArray(Channel<?>[]::new);
            lockOrder = l;
        }
        return l;
    }

    /** Channel callback: the case predicted to complete, or every case if the select will block. */
    private void report(Scheduler s, Tasklet me, int[] ord) {
        int n = cases.size();
        for (int k = 0; k < n; k++) {
            Case c = cases.get(ord[k]);
            if (c.channel.wouldComplete(c.dir)) {
                me.tempval = c.value;
                Callbacks.onChannel(s, c.channel, me, c.dir > 0, false);
                return;
            }
        }
        if (orElse == null && timeoutNanos != 0) {
            for (int k = 0; k < n; k++) {
                Case c = cases.get(k);
                me.tempval = c.value;
                Callbacks.onChannel(s, c.channel, me, c.dir > 0, true);
            }
        }
        me.tempval = null;
    }

    // ---------------------------------------------------------------- firing (any thread)

    boolean isWaiting() {
        return state == WAITING;
    }

    /** A partner takes case {@code w}: true if it won the select (then {@link #fired} is its index). */
    boolean fire(SelectWaiter w) {
        if (STATE.compareAndSet(this, WAITING, FIRED)) {
            fired = w.index;
            return true;
        }
        return false;
    }

    /** Takes every record of the current selection out of its queue (one lock at a time). */
    void leaveAll() {
        leaveAll(records);
    }

    /** Takes the records {@code rs} of one selection out of their queues, one lock at a time. */
    static void leaveAll(SelectWaiter[] rs) {
        if (rs == null) {
            return;
        }
        for (SelectWaiter r : rs) {
            Channel<?> ch = r.channel;
            if (ch != null) {
                ch.leave(r);
            }
        }
    }

    /** The first of its records still queued (for {@link Tasklet#next()} and pickling), or null. */
    Waiter firstQueued() {
        SelectWaiter[] rs = records;
        if (rs != null) {
            for (SelectWaiter r : rs) {
                if (r.channel != null) {
                    return r;
                }
            }
        }
        return null;
    }

    /**
     * Owner thread: kill or throw takes the tasklet out of the select; it is left paused. False if a
     * partner on another thread fired it first (then it is on its way back as runnable).
     */
    boolean cancel() {
        Tasklet t = owner;
        if (STATE.compareAndSet(this, WAITING, FIRED)) {
            leaveAll();
            States.unblocked(t);
            return true;
        }
        States.awaitRelease(t); // the winner is about to say where it goes
        return false;
    }

    /** Owner thread: timer {@code w} fell due (ignored unless it is this selection's). */
    void expired(Scheduler s, Wait w) {
        if (timer != w) {
            return;
        }
        timer = null;
        if (STATE.compareAndSet(this, WAITING, FIRED)) {
            fired = TIMEOUT;
            leaveAll();
            Tasklet t = owner;
            t.tempval = null;
            States.unblocked(t);
            States.insert(s, t);
        }
    }

    /** Any thread: a channel of this select was closed; its tasklet wakes and raises. */
    void closed() {
        if (!STATE.compareAndSet(this, WAITING, FIRED)) {
            return;
        }
        leaveAll();
        Tasklet t = owner;
        t.tempval = new Bomb(new ChannelClosedException(Errors.SELECT_CLOSED));
        Scheduler ts = t.sched;
        if (ts.carrier == Carrier.peek()) {
            States.unblocked(t);
            States.insert(ts, t);
        } else {
            States.released(t, false);
            ts.deliverRunnable(t);
        }
    }

    /** Owner thread, as the tasklet resumes: no timer, no record left in a queue; reusable. */
    private void afterWake(Scheduler s) {
        Wait w = timer;
        timer = null;
        if (w != null) {
            s.waits.cancelSelectTimer(w);
        }
        leaveAll();
        records = null; // also drops the values the cases sent
        owner = null;
        state = IDLE;
    }

    // ---------------------------------------------------------------- pickling (SelectCodec)

    /** A select's definition, and the time left of the timeout of the selection a tasklet is blocked in (else -1). */
    record Snapshot(Object[] channels, int[] dirs, Object[] values, Object[] handlers, Object orElse, long timeoutNanos,
            Object onTimeout, long remaining) {
    }

    Snapshot snapshot() {
        int n = cases.size();
        Object[] chs = new Object[n];
        int[] dirs = new int[n];
        Object[] vs = new Object[n];
        Object[] hs = new Object[n];
        for (int i = 0; i < n; i++) {
            Case c = cases.get(i);
            chs[i] = c.channel;
            dirs[i] = c.dir;
            vs[i] = c.value;
            hs[i] = c.handler;
        }
        Wait w = timer;
        long left = state == WAITING && w != null ? Math.max(0, Math.min(timeoutNanos, w.deadline - System.nanoTime())) : -1;
        return new Snapshot(chs, dirs, vs, hs, orElse, timeoutNanos, onTimeout, left);
    }

    /** Unpickling: fills a new select with the definition {@code s} (checked as when it was built). */
    @SuppressWarnings("unchecked")
    void restore(Snapshot s) {
        for (int i = 0; i < s.channels().length; i++) {
            Channel<?> ch = (Channel<?>) Objects.requireNonNull(s.channels()[i], "a select case's channel");
            Object h = s.handlers()[i];
            if (s.dirs()[i] > 0 ? !(h instanceof Then<?>) : !(h instanceof Received<?, ?>)) {
                throw new IllegalArgumentException("a " + (s.dirs()[i] > 0 ? "send" : "receive") + " case's handler is a "
                        + (h == null ? "null" : h.getClass().getName()));
            }
            add(ch, s.dirs()[i], s.values()[i], h);
        }
        if (s.orElse() != null) {
            orDefault((Then<? extends R>) s.orElse());
        }
        if (s.onTimeout() != null) {
            if (s.timeoutNanos() < 0) {
                throw new IllegalArgumentException("timeout " + s.timeoutNanos() + " ns");
            }
            timeout(Duration.ofNanos(s.timeoutNanos()), (Then<? extends R>) s.onTimeout());
        }
        restoredRemaining = s.remaining();
    }

    /** Unpickling: whether a loaded tasklet may block in this (new) select: it has a case and nobody waits in it. */
    boolean canRestoreBlocked() {
        return state == IDLE && !cases.isEmpty();
    }

    /**
     * Unpickling: the loaded tasklet {@code t} (paused, of scheduler {@code s}, its frames suspended
     * in this select) waits in it again: blocked, with a record in every case's channel queue, and
     * the timeout re-armed with the time it had left.
     */
    void restoreBlocked(Tasklet t, Scheduler s) {
        if (!canRestoreBlocked()) {
            throw new IllegalStateException("a select without a case, or in use, cannot take a loaded tasklet");
        }
        int n = cases.size();
        Channel<?>[] locks = locks();
        for (Channel<?> ch : locks) {
            ch.lock();
        }
        try {
            SelectWaiter[] rs = new SelectWaiter[n];
            for (int i = 0; i < n; i++) {
                rs[i] = new SelectWaiter(t, this, i, rs);
            }
            records = rs;
            States.restoreSelect(t, this);
            owner = t;
            long left = restoredRemaining;
            restoredRemaining = -1;
            if (timeoutNanos > 0 && left >= 0) {
                timer = s.waits.addSelectTimer(t, this, left);
            }
            state = WAITING;
            for (int i = 0; i < n; i++) {
                Case c = cases.get(i);
                rs[i].value = c.value;
                c.channel.enqueue(rs[i], c.dir);
            }
        } finally {
            for (Channel<?> ch : locks) {
                ch.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "Select" + Arrays.toString(cases.stream().map(c -> (c.dir > 0 ? "send " : "receive ") + c.channel)
                .toArray()) + (orElse != null ? " or default" : timeoutNanos >= 0 ? " timeout " + timeoutNanos + " ns" : "");
    }
}
