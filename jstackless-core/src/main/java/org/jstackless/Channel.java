package org.jstackless;

import java.util.Iterator;
import java.util.Objects;
import org.jstackless.internal.Errors;
import org.jstackless.internal.soft.Boundary;
import org.jstackless.internal.soft.SoftContext;

/**
 * A rendezvous channel between tasklets (Stackless's {@code channel}, spec §4), optionally buffered.
 *
 * <p>Algorithm ({@code generic_channel_action}): the operating tasklet puts the value it sends (or
 * null) in its own tempval. If a partner of the other direction is waiting, the partner is
 * dequeued and the value passes to the receiver, so the receiver's call returns the value and the
 * sender's returns null; then {@link #preference()} decides who keeps running: {@code -1} (the
 * default) switches to a waiting receiver at once, {@code +1} to a waiting sender, {@code 0} lets
 * the caller continue, and {@link #scheduleAll()} queues the partner and moves on to the next
 * tasklet. The tasklet that does not run is put in the run queue. With no partner, the caller
 * blocks: it leaves the run queue and its {@link Waiter} record joins this channel's queue.
 *
 * <p>A buffered channel ({@link #Channel(int)} with a capacity above 0) adds Go's buffer in front of
 * that: a send with no receiver waiting stores its value while there is room and returns without
 * switching; a receive takes the oldest buffered value first, and then moves the value of the
 * first blocked sender into the buffer and makes that sender runnable (again without switching).
 * Only a send to a full buffer, or a receive from an empty one, blocks; a partner that is waiting
 * is served by the rendezvous above, preference included.
 *
 * <p>Invariants (as in Go's {@code hchan}):
 * <ul>
 * <li>{@code balance} = buffered values + queued senders − queued receivers; receivers queue only
 *     while the buffer is empty, senders only while it is full, so the queue holds one direction
 *     and {@code balance > 0} means a receive completes at once.
 * <li>the queue is FIFO, of {@link Waiter} records linked through their {@code next}/{@code prev},
 *     null-terminated; every queued record has {@code channel == this}, and its tasklet has
 *     {@code where == CHANNEL}. A record of a {@link Select} that another channel (or a timeout,
 *     kill or close) already fired is stale: it is unlinked by whoever meets it first.
 * <li>{@code close()} wakes nobody waiting in a plain operation: it only forbids blocking from then
 *     on. Tasklets waiting in a {@link Select} on this channel are woken with
 *     {@link ChannelClosedException}.
 * <li>queue, balance, buffer and the records' links change only under the channel's lock; a select
 *     holds the locks of all its channels, taken in {@code id} order; a partner of another thread is
 *     handed to its own scheduler and never switched to here.
 * </ul>
 *
 * @param <T> the type of the values sent
 */
public final class Channel<T> implements Iterable<T> {
    private static final java.lang.invoke.VarHandle LOCK;
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
    /** {@link #complete} result: done, nobody to wake. */
    static final Waiter DONE = new SelectWaiter(null, null, -1, null);

    static {
        try {
            LOCK = java.lang.invoke.MethodHandles.lookup().findVarHandle(Channel.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through LOCK
    private volatile int locked;
    /** Orders the locks a select takes. */
    final long id = IDS.incrementAndGet();
    private Waiter first;
    private Waiter last;
    private int balance;
    private int preference = -1;
    private boolean scheduleAll;
    private boolean closing;
    /** Known to {@link ChannelsSeen} (set once, under the lock, when a tasklet first blocks here). */
    private boolean listed;
    /** The buffer, a ring of {@code capacity} slots; null for an unbuffered channel. */
    private final Object[] buf;
    private int bufHead;
    private int bufCount;

    /** An open, unbuffered channel with preference -1 (prefer the receiver): Stackless's channel. */
    public Channel() {
        buf = null;
    }

    /**
     * An open channel with a buffer of {@code capacity} values (0: exactly {@link #Channel()}).
     * Sends complete without blocking or switching while the buffer has room. A buffered channel
     * starts with preference 0: a hand-off to a waiting partner makes it runnable but does not
     * switch to it (as in Go), so producer and consumer each run on through the buffer;
     * {@link #setPreference} changes that as for any channel.
     */
    public Channel(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("channel capacity must be 0 (unbuffered) or more, not " + capacity);
        }
        buf = capacity == 0 ? null : new Object[capacity];
        preference = capacity == 0 ? -1 : 0;
    }

    /** Sends {@code v}; blocks until a receiver takes it. */
    public void send(T v) throws Suspendable {
        action(v, 1);
    }

    /** Receives a value; blocks until a sender offers one. A sent exception is thrown here. */
    @SuppressWarnings("unchecked")
    public T receive() throws Suspendable {
        return (T) action(null, -1);
    }

    /** Sends an exception: the receiver's {@link #receive()} throws {@code t} (spec §4.3). */
    public void sendException(Throwable t) throws Suspendable {
        action(new Bomb(Objects.requireNonNull(t, "sendException needs an exception")), 1);
    }

    /** Sends every value of {@code vs} in turn; returns how many were sent. */
    public int sendSequence(Iterable<? extends T> vs) throws Suspendable {
        int n = 0;
        for (T v : vs) {
            send(v);
            n++;
        }
        return n;
    }

    /**
     * Receives until the channel is closing with no sender waiting, or a sender sends a
     * {@code java.util.NoSuchElementException} (the Java spelling of Python's StopIteration).
     * Only for hard tasklets and main: iteration cannot suspend a soft tasklet's frames.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !(closing && balance <= 0);
            }

            @Override
            @Boundary // only for hard tasklets and main
            public T next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException("channel closed");
                }
                Stackless.refuseInSoftStrand("iterating a channel");
                try {
                    return receive();
                } catch (Suspendable s) {
                    throw new AssertionError(s);
                }
            }
        };
    }

    private Object action(Object value, int dir) {
        Scheduler s = Scheduler.current();
        if (s.inChannelCallback) {
            throw Errors.recursiveChannel();
        }
        Tasklet source = s.current;
        source.tempval = value;
        if (Callbacks.channelCallback != null) {
            Callbacks.onChannel(s, this, source, dir > 0, !wouldComplete(dir));
        }
        lock();
        Waiter w;
        try {
            w = complete(s, source, value, dir);
        } catch (RuntimeException e) { // switch_trap or an unwoven frame: refused before anything changed
            unlock();
            source.tempval = null;
            throw e;
        }
        if (w != null) {
            int how = w.how; // read under the lock: a remote partner may run and wait again at once
            unlock();
            return w == DONE ? Scheduler.claim(source) : afterMatch(s, source, w, how, dir, s.claimFor(source));
        }
        String refusal = refusal(s, source);
        if (refusal != null) {
            unlock();
            source.tempval = null;
            throw refuse(refusal);
        }
        refuseUnwind(source);
        enqueue(States.blockOnChannel(s, source), dir);
        unlock();
        return s.scheduleTask(source, s.head, s.claimFor(source));
    }

    /** Read without the lock, for the callback's {@code willBlock} (as Stackless, a prediction). */
    boolean wouldComplete(int dir) {
        return dir > 0 ? balance < 0 || (buf != null && bufCount < buf.length) : balance > 0;
    }

    /** Why {@code source} may not block here, or null. */
    String refusal(Scheduler s, Tasklet source) {
        return s.switchTrap != 0 ? Errors.SWITCH_TRAP
                : source.blockTrap() ? Errors.BLOCK_TRAP
                : closing ? "closed" : null;
    }

    static IllegalStateException refuse(String refusal) {
        if (refusal.equals("closed")) {
            return new ChannelClosedException(Errors.CLOSED);
        }
        return refusal.equals(Errors.SWITCH_TRAP) ? new SwitchTrapException() : new IllegalStateException(refusal);
    }

    /** A soft tasklet that cannot unwind from here is refused before the queue changes (the lock is held). */
    private void refuseUnwind(Tasklet source) {
        try {
            SoftContext.checkUnwind();
        } catch (IllegalStateException e) {
            unlock();
            source.tempval = null;
            throw e;
        }
    }

    /**
     * The lock is held: completes {@code source}'s operation now if it can. Returns null when it
     * cannot (nothing changed); {@link #DONE} when it completed with nobody to wake; else the
     * partner's record, dequeued and (for a select) fired, its {@link Waiter#how} saying whether it
     * was {@code MATCHED} in a rendezvous or {@code MOVED} into the buffer, and {@code REMOTE} if
     * its tasklet belongs to another thread. On completion {@code source.tempval} holds what the
     * operation returns (a {@link Bomb} for a sent exception).
     *
     * <p>The partner's {@code where} leaves {@code CHANNEL} last, after its tempval is set, with
     * release semantics: its owner thread (kill, throw) waits for that before touching it.
     */
    Waiter complete(Scheduler s, Tasklet source, Object value, int dir) {
        if (dir < 0 && bufCount > 0) {
            source.tempval = pop();
            balance--;
            Waiter w = takeLive(1, s, false);
            if (w == null) {
                return DONE;
            }
            push(w.sending());
            balance++;
            w.tasklet().tempval = null;
            return release(w, s, Waiter.MOVED);
        }
        if (dir > 0 ? balance < 0 : balance > 0) {
            Waiter w = takeLive(-dir, s, scheduleAll || preference == -dir);
            if (w != null) {
                Tasklet target = w.tasklet();
                if (dir > 0) {
                    target.tempval = value;
                    source.tempval = null;
                } else {
                    source.tempval = w.sending();
                    target.tempval = null;
                }
                return release(w, s, Waiter.MATCHED);
            }
        }
        if (dir > 0 && buf != null && bufCount < buf.length) {
            push(value);
            balance++;
            source.tempval = null;
            return DONE;
        }
        return null;
    }

    /**
     * The lock is held: dequeues the first live waiter of direction {@code dir}, firing its select,
     * unlinking the stale ones met on the way; null if there is none. A partner of this thread that
     * the caller would switch to ({@code willSwitch}) is refused under a switch trap, before
     * anything changed.
     */
    private Waiter takeLive(int dir, Scheduler s, boolean willSwitch) {
        Waiter w;
        while ((w = first) != null && w.dir == dir) {
            Tasklet target = w.tasklet();
            boolean here = target.sched == s;
            if (!here && target.sched.ended()) {
                dequeue(w); // its thread's session is over: it is dead and takes no part (spec §9)
                continue;
            }
            // Two carriers of one pool: a plain waiter comes to this carrier and the rendezvous stays
            // local (Go's hand-off). Decided before the checks below; the move happens only once they pass.
            boolean adopt = !here && !(w instanceof SelectWaiter) && s.loop != null && s.loop.canAdopt(target);
            here |= adopt;
            if (here && willSwitch) {
                // Refused before anything changed: switch_trap (unless the record is stale: no switch
                // to it), or a soft tasklet that cannot unwind from here.
                if (!(w instanceof SelectWaiter sw) || sw.select.isWaiting()) {
                    s.checkTrap();
                } else {
                    SoftContext.checkUnwind();
                }
            }
            if (w instanceof SelectWaiter sw && !sw.select.fire(sw)) {
                dequeue(w); // stale: its select already fired elsewhere
                continue;
            }
            if (adopt) {
                s.loop.adopt(target);
            }
            dequeue(w);
            return w;
        }
        return null;
    }

    /** The lock is held: the taken partner's values are set; says how it left and publishes where it goes. */
    private static Waiter release(Waiter w, Scheduler s, int how) {
        Tasklet target = w.tasklet();
        boolean here = target.sched == s;
        w.how = (byte) (here ? how : how | Waiter.REMOTE);
        States.released(target, here);
        return w;
    }

    /**
     * No lock held: finishes a completed operation whose partner {@code w} was taken: its select
     * leaves its other queues, then it is woken or, in a rendezvous on this thread, scheduled by
     * the preference rules.
     */
    Object afterMatch(Scheduler s, Tasklet source, Waiter w, int how, int dir,
            org.jstackless.internal.switching.Resumption k) {
        if (w instanceof SelectWaiter sw) {
            Select.leaveAll(sw.siblings); // that selection's records only: its tasklet may be selecting anew
        }
        Tasklet target = w.tasklet();
        if ((how & Waiter.REMOTE) != 0) {
            // Cross-thread (spec §9): hand the partner to its own thread, never switch here.
            target.sched.deliverRunnable(target);
            return Scheduler.claim(source);
        }
        if (how == Waiter.MOVED) {
            States.insert(s, target);
            return Scheduler.claim(source);
        }
        if (scheduleAll) {
            States.insert(s, target);
            return s.scheduleTask(source, source.next, k);
        }
        if (preference == -dir) {
            States.insertAfter(s, source, target);
            return s.scheduleTask(source, target, k);
        }
        States.insert(s, target);
        return Scheduler.claim(source);
    }

    private void push(Object v) {
        int i = bufHead + bufCount;
        buf[i >= buf.length ? i - buf.length : i] = v;
        bufCount++;
    }

    private Object pop() {
        Object v = buf[bufHead];
        buf[bufHead] = null;
        bufHead = bufHead + 1 == buf.length ? 0 : bufHead + 1;
        bufCount--;
        return v;
    }

    /**
     * Guards the queue, balance and buffer against operations from other threads. Held only around
     * the bookkeeping, never across a switch, so a spin is enough; uncontended it is one CAS.
     */
    void lock() {
        while (!LOCK.compareAndSet(this, 0, 1)) {
            Thread.onSpinWait();
        }
    }

    void unlock() {
        LOCK.setRelease(this, 0);
    }

    /** The lock is held: appends {@code w}, waiting in direction {@code dir}. */
    void enqueue(Waiter w, int dir) {
        w.before = last;
        w.after = null;
        if (last == null) {
            first = w;
        } else {
            last.after = w;
        }
        last = w;
        w.channel = this;
        w.dir = (byte) dir;
        balance += dir;
        if (!listed) {
            listed = true;
            ChannelsSeen.add(this); // once per channel: dumps find blocked tasklets through it
        }
        if (org.jstackless.internal.jfr.JfrFlags.channelBlocked) {
            org.jstackless.internal.jfr.JfrHooks.blockBegin(w.tasklet(), w.tasklet().id, this, dir);
        }
    }

    /** Unpickling: puts a restored, paused tasklet at the end of this channel's queue, blocked in {@code dir}. */
    void restoreBlocked(Tasklet t, int dir) {
        lock();
        try {
            enqueue(States.restoreBlocked(t), dir);
        } finally {
            unlock();
        }
    }

    /**
     * Takes a blocked tasklet out of every queue it waits in (kill, throw, a bomb for the
     * watchdog); it is left paused. False if another thread's rendezvous took it first. Owner
     * thread only, while {@code t} does not run.
     */
    static boolean unblock(Tasklet t) {
        Select<?> sel = t.selecting();
        if (sel != null) {
            return sel.cancel();
        }
        Channel<?> ch = t.channel;
        if (ch != null && ch.unblockRecord(t)) {
            return true;
        }
        States.awaitRelease(t);
        return false;
    }

    private boolean unblockRecord(Waiter w) {
        lock();
        try {
            if (w.channel != this) {
                return false;
            }
            dequeue(w);
            States.unblocked(w.tasklet());
            return true;
        } finally {
            unlock();
        }
    }

    /** A select's case leaves this queue if it is still in it (the select fired, or is cancelled). */
    void leave(Waiter w) {
        lock();
        try {
            if (w.channel == this) {
                dequeue(w);
            }
        } finally {
            unlock();
        }
    }

    /** Unlinks a queued record; the lock is held. */
    private void dequeue(Waiter w) {
        Waiter p = w.before;
        Waiter n = w.after;
        if (p == null) {
            first = n;
        } else {
            p.after = n;
        }
        if (n == null) {
            last = p;
        } else {
            n.before = p;
        }
        balance -= w.dir;
        w.after = null;
        w.before = null;
        w.channel = null;
        if (org.jstackless.internal.jfr.JfrFlags.channelBlocked) {
            org.jstackless.internal.jfr.JfrHooks.blockEnd(w.tasklet());
        }
    }

    /**
     * Senders waiting (positive) or receivers waiting (negative). For a buffered channel the
     * buffered values count as senders: {@code balance() > 0} means a receive completes at once.
     */
    public int balance() {
        return balance;
    }

    /** The buffer's size: 0 for a Stackless (unbuffered) channel. */
    public int capacity() {
        return buf == null ? 0 : buf.length;
    }

    /** How many values wait in the buffer (always 0 for an unbuffered channel). */
    public int buffered() {
        return bufCount;
    }

    /** -1: a send switches to a waiting receiver; +1: a receive switches to a waiting sender; 0: never switch. */
    public int preference() {
        return preference;
    }

    /** Sets the preference, clamped to its sign. */
    public void setPreference(int p) {
        preference = Integer.signum(p);
    }

    /** Whether a rendezvous queues the partner and switches to the next runnable tasklet. */
    public boolean scheduleAll() {
        return scheduleAll;
    }

    /** Sets schedule-all mode. */
    public void setScheduleAll(boolean on) {
        scheduleAll = on;
    }

    /**
     * Forbids blocking on this channel from now on; tasklets waiting in a plain send or receive are
     * not woken (spec §4.2). Tasklets waiting in a {@link Select} with a case on this channel leave
     * every queue they wait in, and their {@code select()} raises {@link ChannelClosedException}.
     */
    public void close() {
        closing = true;
        java.util.ArrayList<Select<?>> selects = null;
        lock();
        try {
            for (Waiter w = first; w != null; w = w.after) {
                if (w instanceof SelectWaiter sw && sw.select.isWaiting()) {
                    if (selects == null) {
                        selects = new java.util.ArrayList<>();
                    }
                    selects.add(sw.select);
                }
            }
        } finally {
            unlock();
        }
        if (selects != null) {
            for (Select<?> sel : selects) {
                sel.closed();
            }
        }
    }

    /** Allows blocking again. */
    public void open() {
        closing = false;
    }

    /** True after {@link #close()}. */
    public boolean isClosing() {
        return closing;
    }

    /** Closing and nobody waiting (and, buffered, nothing left in the buffer). */
    public boolean isClosed() {
        return closing && balance == 0;
    }

    /** The first waiting tasklet (follow {@link Tasklet#next()}), or null. */
    public Tasklet queue() {
        Waiter w = first;
        return w == null ? null : w.tasklet();
    }

    /** The first record in the queue; lock held or owner thread. */
    Waiter firstWaiter() {
        return first;
    }

    /** Pickling: the buffered values, oldest first. */
    Object[] bufferedValues() {
        lock();
        try {
            Object[] vs = new Object[bufCount];
            for (int i = 0; i < bufCount; i++) {
                vs[i] = buf[(bufHead + i) % buf.length];
            }
            return vs;
        } finally {
            unlock();
        }
    }

    /** Unpickling: refills the buffer of a new channel. */
    void restoreBuffered(Object[] vs) {
        if (vs.length > capacity()) {
            throw new IllegalArgumentException(vs.length + " buffered values for a capacity of " + capacity());
        }
        lock();
        try {
            for (Object v : vs) {
                push(v);
                balance++;
            }
        } finally {
            unlock();
        }
    }

    @Override
    public String toString() {
        return "Channel[balance=" + balance + ", preference=" + preference
                + (buf != null ? ", capacity=" + buf.length + ", buffered=" + bufCount : "")
                + (closing ? ", closing" : "") + "]";
    }
}
