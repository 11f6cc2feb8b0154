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
 * thread re-checks every {@link #RECHECK_NANOS}. Threads declared as partners
 * ({@link Stackless#expectPartner}, {@link Stackless#startThread}) count as live and running from
 * their declaration until they enter Stackless (then as any other) or terminate: so whether a
 * partner has reached its first Stackless call yet never decides a deadlock. A thread counts as waiting only while parked:
 * it leaves the count before it drains its inbox, so a hand-off it is taking in is never mistaken
 * for a deadlock.
 */
final class Registry {
    static final long RECHECK_NANOS = 50_000_000L;

    private static final ConcurrentHashMap<Thread, Scheduler> LIVE = new ConcurrentHashMap<>();
    /** Declared partner threads that have not entered Stackless yet. */
    private static final java.util.Set<Thread> PARTNERS = ConcurrentHashMap.newKeySet();
    private static final Object LOCK = new Object();
    private static int waitingThreads;
    private static long epoch;

    private Registry() {
    }

    static void add(Scheduler s) {
        LIVE.put(s.carrier.thread(), s);
        PARTNERS.remove(s.carrier.thread());
        org.jstackless.internal.observe.Bridge.schedulerStarted();
    }

    /** Declares {@code t} a partner: it counts as a live, running thread until it enters Stackless or terminates. */
    static void expect(Thread t) {
        if (t.getState() != Thread.State.TERMINATED && !LIVE.containsKey(t)) {
            PARTNERS.add(t);
        }
    }

    /** True while a declared partner other than {@code me} has not entered Stackless and has not terminated. */
    private static boolean partnerPending(Thread me) {
        for (Thread t : PARTNERS) {
            if (t.getState() == Thread.State.TERMINATED || LIVE.containsKey(t)) {
                PARTNERS.remove(t);
            } else if (t != me) {
                return true;
            }
        }
        return false;
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

    /** The live schedulers (open, their thread alive), for dumps and metrics. */
    static java.util.List<Scheduler> all() {
        java.util.List<Scheduler> l = new java.util.ArrayList<>();
        for (Scheduler s : LIVE.values()) {
            if (!s.closed && s.carrier.thread().isAlive()) {
                l.add(s);
            }
        }
        return l;
    }

    /** True when some other live thread has a scheduler, i.e. could make one of ours runnable. */
    static boolean othersLive(Scheduler me) {
        if (partnerPending(me.carrier.thread())) {
            return true;
        }
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
        if (waitingThreads == 0 || partnerPending(null)) {
            return;
        }
        int live = 0;
        for (Scheduler s : LIVE.values()) {
            if (s.closed || !s.carrier.thread().isAlive()) {
                continue;
            }
            live++;
            if (!s.waitingRemote || s.waits.waiting > 0 || s.inbox.nonEmpty()) {
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
