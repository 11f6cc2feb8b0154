package org.jstackless;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import org.jstackless.internal.io.IoAccess;
import org.jstackless.internal.io.IoHandle;

/**
 * One scheduler's readiness poller: a {@link Selector}, created on the first socket wait of that
 * scheduler, so a scheduler that never touches a socket pays nothing. A tasklet whose socket is not
 * ready parks here as a {@link Wait} (like a sleeper or a blocking call: {@code where == WAITING})
 * and the scheduler runs the others.
 *
 * <p>When the poller runs:
 * <ul>
 * <li>idle: with nothing runnable the scheduler waits in {@link #block} (a {@code select} bounded
 *     by the next timer) instead of parking its thread; other threads' posts wake it through
 *     {@link #wakeup} (see {@link Inbox});</li>
 * <li>busy: at a switch, every {@link #CHECK_EVERY}th switch reads the clock and polls with
 *     {@code selectNow} if the last poll is more than {@link #INTERVAL_NANOS} old and the ring has
 *     had a full round since (every tasklet runnable after it, those it woke included, had its
 *     turn), or if it is more than {@link #MAX_NANOS} old. Polling once per round, as an event
 *     loop polls once per batch, matters with many connections: the sockets of woken tasklets
 *     that have not run yet are still ready, and an earlier poll would report them all again.
 *     Tasklets that keep switching among themselves therefore delay I/O by at most about a round
 *     of the ring, never more than {@code MAX_NANOS} (or 16 switches, if those are slower); a
 *     tasklet that never switches starves everything (the blocked-carrier detector reports it).
 *     Reading the clock only every 16th switch keeps the check at a decrement and a branch per
 *     switch.</li>
 * </ul>
 *
 * <p>Invariants (owner thread only, except {@link #wakeup} and {@link Access#abort}): a parked I/O
 * wait {@code w} is in its key's {@link Slot} ({@code reader} or {@code writer}), in its socket's
 * {@link IoHandle}, and in the timers if it has a deadline; {@link Waits#wake} takes it out of
 * all three ({@link #forget}) whichever way it wakes (ready, deadline, kill, close). The key's
 * interest set includes the union of its slot's waits' operations; it may hold more (left over from
 * ended waits), which {@link #poll} drops when such a readiness comes with nobody waiting.
 */
final class IoPoller {
    /**
     * Longest a busy scheduler goes without polling, in nanoseconds (property {@code
     * jstackless.io.pollMicros}, default 250 µs). Why 250 µs: a {@code selectNow} costs about 2 µs
     * (measured on the project's loaded 2-core machine), so a scheduler that is never idle spends
     * about 1% of its time polling, and a socket that becomes ready waits at most about a quarter
     * of a millisecond for a busy scheduler to notice.
     */
    static final long INTERVAL_NANOS = Long.getLong("jstackless.io.pollMicros", 250) * 1000;
    /** How many switches pass between two looks at the clock while I/O waits are parked. */
    static final int CHECK_EVERY = 16;
    /**
     * Longest a busy scheduler waits for the tasklets woken by its last poll to have their turn
     * before it polls again anyway (property {@code jstackless.io.maxPollMicros}, default 10 ms,
     * as Go's sysmon): bounds the I/O latency when the ring holds many tasklets that keep
     * yielding. Below it, a busy scheduler polls once per round of its ring, as an event loop does
     * once per batch.
     */
    static final long MAX_NANOS = Math.max(INTERVAL_NANOS, Long.getLong("jstackless.io.maxPollMicros", 10_000) * 1000);

    static {
        Access.init();
    }

    /** The waits parked on one key: one reader (read/accept), one writer (write/connect). */
    static final class Slot {
        Wait reader;
        Wait writer;
        /**
         * Polls in a row that found this key ready with nobody waiting for what it is ready for,
         * after the tasklet last woken from it had its turn ({@link #runBy}; before that, it will
         * read and wait again, so its interest stays: dropping and re-adding it costs two
         * epoll_ctl calls per request). The second in a row drops the interest.
         */
        byte unclaimed;
        /** Switch count by which the tasklet last woken from this key has surely had its turn. */
        long runBy;
    }

    private final Scheduler sched;
    private final Selector selector;
    /** I/O waits parked here. */
    private int parked;
    private int countdown = CHECK_EVERY;
    private long lastPoll;
    /**
     * The switch count by which every tasklet runnable after the last poll (those it woke
     * included) has had its turn: the ring is FIFO, so that is its size then. A busy poll before
     * that would find the sockets of the woken tasklets that have not run yet still ready (level
     * triggered) and report them again.
     */
    private long roundEnd;
    /** The poll in progress is an idle one: every tasklet woken before has had its turn. */
    private boolean idle;
    /** Passed to the selector (one object, no allocation per poll). */
    private final java.util.function.Consumer<SelectionKey> onReady = this::ready;
    /** Set by {@link #due()}: the next {@code pollEvents} polls. */
    private boolean pollNow;
    /** Statistics, owner-written: polls made while busy and while idle. */
    long busyPolls;
    long idlePolls;
    /** Statistics, owner-written: interest-set changes asked of the selector (an epoll_ctl each). */
    long interestChanges;

    private IoPoller(Scheduler s) {
        sched = s;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the scheduler of " + s.carrier.thread(), e);
        }
        lastPoll = System.nanoTime();
    }

    /** The poller of {@code s}, created on first use (owner thread). */
    static IoPoller of(Scheduler s) {
        IoPoller p = s.io;
        if (p == null) {
            p = new IoPoller(s);
            s.io = p;
            s.inbox.poller = p; // from now on the idle scheduler waits in select, and posts wake it
        }
        return p;
    }

    /** Hot path (owner, at a switch): whether it is time for a poll while busy. */
    boolean due() {
        if (parked == 0 || --countdown >= 0) {
            return false;
        }
        countdown = CHECK_EVERY;
        long since = System.nanoTime() - lastPoll;
        if (since < INTERVAL_NANOS || (sched.switches - roundEnd < 0 && sched.runCount > 1 && since < MAX_NANOS)) {
            return false;
        }
        pollNow = true;
        return true;
    }

    /**
     * Owner, from {@code pollEvents}: polls without waiting if {@link #due()} asked for it, or
     * asks now (the switch took the event path for another reason and skipped {@code due()}).
     */
    void pollIfDue() {
        if (pollNow || due()) {
            pollNow = false;
            busyPolls++;
            poll(0);
        }
    }

    /** Any thread: wakes the owner out of {@link #block}. */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * Owner, idle: waits for readiness, a {@link #wakeup} or {@code nanos} (negative: no limit; the
     * caller has already checked its inbox). Wakes the tasklets whose sockets are ready.
     */
    void block(long nanos) {
        idlePolls++;
        poll(nanos < 0 ? -1 : nanos == 0 ? 0 : Math.max(1, (nanos + 999_999) / 1_000_000));
    }

    private void poll(long millis) {
        Scheduler s = sched;
        idle = millis != 0 || s.runCount == 0;
        int n;
        try {
            n = millis < 0 ? selector.select(onReady) : millis == 0 ? selector.selectNow(onReady) : selector.select(onReady, millis);
        } catch (IOException e) {
            throw new UncheckedIOException("the scheduler's selector failed", e);
        }
        lastPoll = System.nanoTime();
        countdown = CHECK_EVERY;
        roundEnd = s.switches + s.runCount;
    }

    /** Owner, inside a poll: {@code k} is ready. */
    private void ready(SelectionKey k) {
        Slot slot = (Slot) k.attachment();
        int ready;
        try {
            ready = k.readyOps();
        } catch (CancelledKeyException e) {
            ready = -1; // the channel was closed: let both waiters find out by trying
        }
        Wait r = slot.reader;
        Wait w = slot.writer;
        if (r != null && (ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            fire(r, slot);
        }
        if (w != null && (ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            fire(w, slot);
        }
        if (ready != -1 && (ready & ~((r == null ? 0 : r.ops) | (w == null ? 0 : w.ops))) != 0) {
            // Nobody waits for this readiness now. If a poll woke the waiter and it has not had its
            // turn yet, it will read and wait again: leave the interest (dropping and adding it
            // back costs two epoll_ctl per request). Otherwise it is left over from a wait that
            // ended (see forget); drop it the second time in a row.
            if (idle || sched.switches - slot.runBy >= 0) {
                if (++slot.unclaimed >= 2) {
                    slot.unclaimed = 0;
                    setInterest(k, interest(slot));
                }
            }
        } else {
            slot.unclaimed = 0;
        }
    }

    private void fire(Wait w, Slot slot) {
        Tasklet t = w.tasklet;
        if (t.parkedOn() == w) {
            if (!(t.tempval instanceof Bomb)) {
                t.tempval = Boolean.TRUE;
            }
            sched.waits.wake(t); // calls forget(w)
            slot.runBy = sched.switches + sched.runCount; // at the ring's tail: its turn comes within that
        }
    }

    /**
     * Owner: parks the running tasklet until {@code ch} is ready for {@code ops} or the deadline
     * passes. Returns what the tasklet's resumption claims: TRUE when ready, null on the deadline.
     */
    Object park(SelectableChannel ch, int ops, long deadline, IoHandle h) {
        Scheduler s = sched;
        s.checkTrap();
        Tasklet me = s.current;
        boolean reading = (ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0;
        Wait other = (Wait) (reading ? h.reader : h.writer);
        if (other != null && (other.tasklet.sched.closed || other.tasklet.parkedOn() != other)) {
            other = null; // left over from a scheduler that ended with its tasklet still waiting
        }
        if (other != null) {
            throw new IllegalStateException(other.tasklet + " is already " + (reading ? "reading from " : "writing to ")
                    + h + "; only one tasklet at a time may " + (reading ? "read" : "write")
                    + " a socket (hand the data over a channel instead)");
        }
        long now = System.nanoTime();
        if (deadline != Long.MIN_VALUE && deadline - now <= 0) {
            return null;
        }
        SelectionKey k = register(ch, h);
        Slot slot = (Slot) k.attachment();
        Wait w = deadline == Long.MIN_VALUE ? new Wait(me, Long.MIN_VALUE, 0, false)
                : s.waits.timerWait(me, deadline - now);
        w.io = h;
        w.slot = slot;
        w.ops = ops;
        w.key = k;
        if (reading) {
            slot.reader = w;
            h.reader = w;
        } else {
            slot.writer = w;
            h.writer = w;
        }
        if (!ch.isOpen() || !k.isValid()) {
            // Closed by another thread after the caller's attempt: a closer publishes its close
            // before it looks for waiters, and we published ourselves above before looking, so
            // one of the two sees the other. Let the caller retry and meet the closed channel.
            if (reading) {
                slot.reader = null;
                h.reader = null;
            } else {
                slot.writer = null;
                h.writer = null;
            }
            if (w.isTimer()) {
                s.waits.cancelTimer(w);
            }
            return Boolean.TRUE;
        }
        int want = interest(slot);
        if (k.interestOps() != want) {
            setInterest(k, want); // an epoll_ctl at the next poll: skipped when the interest is still set
        }
        parked++;
        me.tempval = null;
        return s.waits.park(w);
    }

    private SelectionKey register(SelectableChannel ch, IoHandle h) {
        SelectionKey k = ch.keyFor(selector);
        if (k != null && k.isValid()) {
            return k;
        }
        try {
            if (k != null) {
                poll(0); // flush the cancelled key, or registering again fails
            }
            return ch.register(selector, 0, new Slot());
        } catch (ClosedChannelException e) {
            throw new IllegalStateException(h + " is closed", e);
        }
    }

    private void setInterest(SelectionKey k, int ops) {
        interestChanges++;
        try {
            k.interestOps(ops);
        } catch (CancelledKeyException e) {
            // the channel was closed meanwhile; its waiters are woken by the close
        }
    }

    private static int interest(Slot slot) {
        return (slot.reader == null ? 0 : slot.reader.ops) | (slot.writer == null ? 0 : slot.writer.ops);
    }

    /** Owner, from {@link Waits#wake}: the I/O wait {@code w} is over, however it ended. */
    void forget(Wait w) {
        parked--;
        Slot slot = (Slot) w.slot;
        IoHandle h = w.io;
        if (slot.reader == w) {
            slot.reader = null;
            h.reader = null;
        } else if (slot.writer == w) {
            slot.writer = null;
            h.writer = null;
        }
        // The key keeps its interest: a tasklet that reads again at once (the common case) finds it
        // set and no system call is made; if the socket becomes ready while nobody waits, poll()
        // clears the interest then.
        if (w.isTimer()) {
            sched.waits.cancelTimer(w);
        }
    }

    /** Owner: the scheduler ends; its selector goes with it. */
    void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing to recover: the scheduler is gone
        }
    }

    /** I/O waits parked here (for diagnostics and close reports). */
    int parked() {
        return parked;
    }

    /** The bridge the socket API calls through. */
    private static final class Access extends IoAccess {
        static void init() {
            install(new Access());
        }

        @Override
        public Object await(SelectableChannel ch, int ops, long deadline, IoHandle h) throws Suspendable {
            Scheduler s = Scheduler.current();
            return IoPoller.of(s).park(ch, ops, deadline, h);
        }

        @Override
        public void abort(IoHandle h, Throwable error) {
            abortOne((Wait) h.reader, error);
            abortOne((Wait) h.writer, error);
        }

        private static void abortOne(Wait w, Throwable error) {
            if (w != null) {
                w.tasklet.sched.waits.deliver(w, new Bomb(error));
            }
        }
    }
}
