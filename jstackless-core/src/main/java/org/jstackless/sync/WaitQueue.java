package org.jstackless.sync;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * The waiters of one primitive, in arrival order. Each waiting tasklet is blocked in
 * {@code receive()} on a channel of its own, and is woken by a token sent on it.
 *
 * <p>Protocol. A waiter {@link #enlist}s under its primitive's monitor, together with the check
 * that made it wait, then leaves the monitor and {@link #park}s. A waker picks waiters
 * ({@link #pickOne}, {@link #pickAll}) under the same monitor, together with the state change that
 * frees them, then leaves the monitor and {@link #wake}s each. Enlisting and blocking are two
 * steps, so a waker may come between them: its send then waits (briefly suspending the waker) for
 * that waiter to arrive in {@code receive()}, and for nothing else. Both sides run these steps in
 * an atomic section ({@link #atomic}), so preemption cannot widen the gap.
 *
 * <p>Invariants, under the primitive's monitor: {@code waiters} holds the enlisted waiters not
 * picked yet, in arrival order; a picked waiter gets exactly one token. A waiter that leaves by an
 * exception (kill, throwInto) and was not picked withdraws; if it was picked, it takes its token
 * (unless it had arrived already) and hands on what the token stood for ({@code onUnusedToken}).
 */
final class WaitQueue {
    /** One waiting tasklet. */
    static final class Waiter {
        final Channel<Boolean> channel;
        /** Guarded by the primitive's monitor. */
        boolean picked;
        /** Set by the waker once its send has completed. */
        volatile boolean delivered;
        /**
         * The waiting tasklet, or null when not known (an unpickled waiter): a tasklet that died while
         * enlisted without withdrawing (its frames were dropped: a soft switch that could not unwind,
         * see docs/switching.md) is passed over by {@link #pickOne}/{@link #pickAll}.
         */
        final Tasklet tasklet;

        Waiter() {
            this(new Channel<>(), Stackless.current());
        }

        /** A waiter on {@code channel} (unpickling: the copy its tasklet comes back blocked on). */
        Waiter(Channel<Boolean> channel) {
            this(channel, null);
        }

        private Waiter(Channel<Boolean> channel, Tasklet tasklet) {
            this.channel = channel;
            this.tasklet = tasklet;
            channel.setPreference(0); // the waker keeps running; the woken waiter becomes runnable
        }

        /** True when its tasklet has died while enlisted: it will never take a token. */
        boolean gone() {
            return tasklet != null && !tasklet.isAlive();
        }
    }

    /** Guarded by the owning primitive's monitor ({@link #guard}). */
    private final List<Waiter> waiters = new ArrayList<>();
    private final Object guard;

    WaitQueue(Object guard) {
        this.guard = guard;
    }

    /** Under the guard's monitor: the calling tasklet will {@link #park} with the returned record. */
    Waiter enlist() {
        Waiter w = new Waiter();
        waiters.add(w);
        return w;
    }

    /** Under the guard's monitor: the longest waiter, now owed a token; null if none waits. */
    Waiter pickOne() {
        while (!waiters.isEmpty()) {
            Waiter w = waiters.remove(0);
            if (!w.gone()) {
                w.picked = true;
                return w;
            }
        }
        return null;
    }

    /** Under the guard's monitor: every waiter, now each owed a token. */
    List<Waiter> pickAll() {
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        all.removeIf(Waiter::gone);
        for (Waiter w : all) {
            w.picked = true;
        }
        return all;
    }

    /** Under the guard's monitor: the number of waiters not picked yet. */
    int waiting() {
        return waiters.size();
    }

    /** Outside the monitor: hands {@code w} its token (null: nobody to wake). */
    static void wake(Waiter w) throws Suspendable {
        if (w != null) {
            w.channel.send(Boolean.TRUE);
            w.delivered = true;
        }
    }

    /**
     * Outside the monitor, after {@link #enlist}: blocks until woken. If the wait ends by an
     * exception, the waiter withdraws, or, when it was picked already, takes its token and runs
     * {@code onUnusedToken}; then the exception propagates.
     */
    void park(Waiter w, UnusedToken onUnusedToken) throws Suspendable {
        try {
            w.channel.receive();
        } catch (Throwable e) {
            boolean picked;
            synchronized (guard) {
                picked = w.picked;
                if (!picked) {
                    waiters.remove(w);
                }
            }
            if (picked) {
                while (!w.delivered) {
                    if (w.channel.balance() > 0) {
                        w.channel.receive(); // the waker is blocked sending it: take it
                        break;
                    }
                    Thread.onSpinWait(); // a waker on another thread is between its pick and its send
                }
                onUnusedToken.run();
            }
            throw e;
        }
    }

    /** Makes the current tasklet atomic (no preemption); returns what to restore with {@link #restore}. */
    static boolean atomic() {
        return Stackless.current().setAtomic(true);
    }

    static void restore(boolean wasAtomic) {
        Tasklet me = Stackless.current();
        me.setAtomic(wasAtomic);
    }

    /** What a waiter that leaves by an exception does with the token owed to it. */
    /** Serializable: a waiting tasklet's frame holds one, so it pickles with the tasklet (see SyncCodecs). */
    @FunctionalInterface
    interface UnusedToken extends java.io.Serializable {
        void run() throws Suspendable;
    }

    // ---------------------------------------------------------------- pickling (SyncCodecs)

    /** The primitive whose monitor guards this queue. */
    Object guard() {
        return guard;
    }

    /** Under the guard's monitor: the waiters not picked yet, in arrival order (a copy). */
    List<Waiter> waiters() {
        return new ArrayList<>(waiters);
    }

    /** Unpickling: the waiters of this fresh queue. */
    void restoreWaiters(List<Waiter> ws) {
        waiters.addAll(ws);
    }
}
