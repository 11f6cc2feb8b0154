package org.jstackless;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The schedulers of all threads, and the global deadlock rule (spec §5.4 rule 2): a thread whose
 * tasklets all wait blocks while some other thread with a scheduler could still wake them; when
 * every such thread waits and nothing is pending outside the schedulers, nobody ever will, and each
 * waiting thread is woken to apply its local deadlock rule.
 *
 * <p>Algorithm: waiting threads are counted under one lock (this is the slow path: a thread is
 * about to sleep anyway). The last thread to start waiting decides: if every live scheduler waits
 * and none has tasklets waiting for the pool, a timer or a future, it bumps the deadlock epoch and
 * wakes the others. Threads that died without ending their scheduler do not count, which a waiting
 * thread re-checks every {@link #RECHECK_NANOS}. A thread counts as waiting only while parked:
 * it leaves the count before it drains its inbox, so a hand-off it is taking in is never mistaken
 * for a deadlock.
 */
final class Registry {
    static final long RECHECK_NANOS = 50_000_000L;

    private static final ConcurrentHashMap<Thread, Scheduler> LIVE = new ConcurrentHashMap<>();
    private static final Object LOCK = new Object();
    private static int waitingThreads;
    private static long epoch;

    private Registry() {
    }

    static void add(Scheduler s) {
        LIVE.put(s.carrier.thread(), s);
    }

    static void remove(Scheduler s) {
        LIVE.remove(s.carrier.thread(), s);
        synchronized (LOCK) {
            checkDeadlock();
        }
    }

    /** The live schedulers (a weakly consistent view, for the blocked-carrier detector). */
    static Iterable<Scheduler> live() {
        return LIVE.values();
    }

    /** The scheduler of thread {@code t}, or null if it has none. */
    static Scheduler of(Thread t) {
        Scheduler s = LIVE.get(t);
        if (s != null && (s.closed || !t.isAlive())) {
            LIVE.remove(t, s);
            return null;
        }
        return s;
    }

    /** True when some other live thread has a scheduler, i.e. could make one of ours runnable. */
    static boolean othersLive(Scheduler me) {
        for (Scheduler s : LIVE.values()) {
            if (s != me && !s.closed && s.carrier.thread().isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** The current deadlock epoch: it changes each time a global deadlock is declared. */
    static long epoch() {
        synchronized (LOCK) {
            return epoch;
        }
    }

    /**
     * {@code s} is about to park waiting for other threads. Returns true if a deadlock was declared
     * since {@code since} (possibly by this very call): then it must not park.
     */
    static boolean beginWait(Scheduler s, long since) {
        synchronized (LOCK) {
            s.waitingRemote = true;
            waitingThreads++;
            checkDeadlock();
            return epoch != since;
        }
    }

    /** {@code s} woke up; returns true if a deadlock was declared since {@code since}. */
    static boolean endWait(Scheduler s, long since) {
        synchronized (LOCK) {
            s.waitingRemote = false;
            waitingThreads--;
            return epoch != since;
        }
    }

    private static void checkDeadlock() {
        if (waitingThreads == 0) {
            return;
        }
        int live = 0;
        for (Scheduler s : LIVE.values()) {
            if (s.closed || !s.carrier.thread().isAlive()) {
                continue;
            }
            live++;
            if (!s.waitingRemote || s.waiting > 0 || s.inbox.nonEmpty()) {
                return; // it runs, or something will come back to it
            }
        }
        if (live == 0) {
            return;
        }
        epoch++;
        for (Scheduler s : LIVE.values()) {
            s.inbox.wake();
        }
    }
}
