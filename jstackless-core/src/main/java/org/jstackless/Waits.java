package org.jstackless;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One scheduler's waits outside the scheduler: blocking calls on the pool, sleeps, futures,
 * sockets and select timeouts. A waiting tasklet is parked here ({@code WAITING}, with its
 * {@link Wait}) until another thread hands its outcome back through the {@link Inbox} or its timer
 * fires; then it is runnable again.
 *
 * <p>State: {@code waiting}, the number of parked tasklets plus pending select timeouts (a select's
 * tasklet waits in channel queues, but its timer must keep the thread from declaring a deadlock);
 * {@code timers}, the sleeping tasklets and deadlines, null while there are none so that a switch
 * pays nothing for them; {@code all}, the parked tasklets' waits, for dumps (a list linked through
 * the waits themselves: a server parks and wakes on every request, so no hashing or node per wait). Owner thread only
 * (other threads only {@link #deliver}). Invariant: {@code waiting} counts exactly the tasklets of
 * this scheduler with {@code where == WAITING}, plus the select timers still in {@code timers}.
 */
final class Waits {
    private final Scheduler s;
    /** Tasklets waiting for the pool, a timer or a future (and select timeouts): see the class comment. */
    int waiting;
    /** Sleeping tasklets and deadlines; null while there are none, so a switch pays nothing for timers. */
    Timers timers;
    /** The {@link Wait}s of the parked tasklets, for dumps: the first of a list through {@code Wait.allNext}/{@code allPrev}. */
    Wait all;

    Waits(Scheduler s) {
        this.s = s;
    }

    /** Parks the running tasklet until {@code w} is handed back; returns what it was handed. */
    Object park(Wait w) {
        Tasklet me = s.current;
        s.checkTrap();
        States.toWaiting(s, me, w);
        waiting++;
        Wait first = all;
        w.allNext = first;
        w.allPrev = null;
        if (first != null) {
            first.allPrev = w;
        }
        all = w;
        return s.scheduleTask(me, s.head, Scheduler.CLAIM);
    }

    Object blocking(Callable<?> call, boolean interruptible) {
        Wait w = new Wait(s.current, Long.MIN_VALUE, 0, interruptible);
        s.checkTrap();
        BlockingPool.submit(s, w, call);
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
            return s.schedule(null);
        }
        s.checkTrap();
        return park(timerWait(s.current, nanos));
    }

    Object await(CompletionStage<?> stage) {
        var f = stage.toCompletableFuture();
        if (f.isDone()) {
            try {
                return f.join();
            } catch (CompletionException | CancellationException e) {
                throw Sneaky.raise(unwrap(e));
            }
        }
        Wait w = new Wait(s.current, Long.MIN_VALUE, 0, false);
        w.future = true;
        s.checkTrap();
        f.whenComplete((v, e) -> deliver(w, e == null ? v : new Bomb(unwrap(e))));
        return park(w);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** A select's timeout: a timer that does not park the tasklet (it waits in channel queues). */
    Wait addSelectTimer(Tasklet t, Select<?> sel, long nanos) {
        waiting++;
        Wait w = timerWait(t, nanos);
        w.result = sel; // marks it a select's timer
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
        s.inbox.post(w);
    }

    /** Owner, draining the inbox: the outcome of {@code w} came back. */
    void delivered(Wait w) {
        Tasklet t = w.tasklet;
        if (t.parkedOn() == w) {
            if (!(t.tempval instanceof Bomb)) {
                t.tempval = w.result;
            }
            wake(t);
        }
    }

    /** Owner: wakes the tasklets whose timers fell due. */
    void pollTimers() {
        Timers q = timers;
        if (q == null) {
            return;
        }
        long now = System.nanoTime();
        Wait w;
        while ((w = q.nextExpired(now)) != null) {
            if (w.result instanceof Select<?> sel) {
                waiting--;
                sel.expired(s, w); // a select's timeout: it fires unless a case did
            } else {
                wake(w.tasklet);
            }
        }
        if (q.isEmpty() && timers == q) {
            timers = null;
        }
    }

    /** Takes {@code w} out of {@code all} (it is in it: parked by {@link #park}). */
    private void unlinkAll(Wait w) {
        Wait prev = w.allPrev;
        Wait next = w.allNext;
        if (prev != null) {
            prev.allNext = next;
        } else if (all == w) {
            all = next;
        }
        if (next != null) {
            next.allPrev = prev;
        }
        w.allPrev = null;
        w.allNext = null;
    }

    /**
     * The parked tasklets' waits, for dumps: at most {@code max} of them. Other threads may call it
     * while the owner changes the list: they get what they could read (never a loop: bounded).
     */
    java.util.List<Wait> allWaits(int max) {
        java.util.List<Wait> out = new java.util.ArrayList<>();
        for (Wait w = all; w != null && out.size() < max; w = w.allNext) {
            out.add(w);
        }
        return out;
    }

    /** A waiting tasklet becomes runnable (its result, or a bomb, is in its tempval). */
    void wake(Tasklet t) {
        Wait w = t.parkedOn();
        unlinkAll(w);
        if (w.io != null) {
            s.io.forget(w); // out of its key, its socket and the timers, however the wait ended
        }
        waiting--;
        States.fromWaiting(s, t);
    }

    /**
     * kill/throw of a waiting tasklet: a timer is cancelled and the tasklet made runnable; a blocking
     * call or future cannot be taken back, so the bomb waits in its tempval until the outcome arrives
     * (an interruptible call's worker is interrupted to hurry it). Returns true if now runnable.
     */
    boolean interruptWait(Tasklet t) {
        Wait w = t.parkedOn();
        if (w.io != null) {
            wake(t); // a socket wait is only interest in readiness: drop it (forget cancels its timer)
            return true;
        }
        if (w.isTimer()) {
            cancelTimer(w);
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
}
