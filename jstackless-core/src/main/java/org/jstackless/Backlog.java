package org.jstackless;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool carrier's queue of tasklets that have not run yet (created there, or placed there by
 * {@link Schedulers#spawn}): the part of its work that other carriers may take without asking it.
 *
 * <p>The owner takes one tasklet at a time into its ring at its switches ({@link #poll}); an idle
 * carrier takes half of another's backlog in one step ({@link #stealHalf}), without a request or
 * any switch of the victim, so a carrier whose tasklet never switches still loses its spare work.
 *
 * <p>Invariants: a tasklet is in the backlog exactly when {@code where == States.QUEUED}; its
 * {@code sched} is the backlog's owner. Both fields of a queued tasklet change only under
 * this backlog's lock (through {@link States}), by whoever takes it out. {@link #size} is the queue's length, published
 * (volatile) so that idle carriers and {@code join} can look without the lock.
 */
final class Backlog {
    private static final VarHandle LOCK;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(Backlog.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Scheduler owner;
    private final ArrayDeque<Tasklet> queue = new ArrayDeque<>();
    @SuppressWarnings("unused") // through LOCK
    private volatile int lock;
    private volatile int size;

    Backlog(Scheduler owner) {
        this.owner = owner;
    }

    /**
     * Held around the bookkeeping only (a few field writes; a steal moves at most
     * {@link Schedulers#STEAL_MAX}), so a spin is enough — except when the holder's thread was
     * descheduled (more threads than cores): then yield, rather than burn the holder's core.
     */
    private void lock() {
        int spins = 0;
        while (!LOCK.compareAndSet(this, 0, 1)) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void unlock() {
        LOCK.setRelease(this, 0);
    }

    /** Tasklets waiting here; a snapshot. */
    int size() {
        return size;
    }

    /**
     * Any thread: appends a new tasklet of the owner's, not in any queue yet. Returns true if the
     * backlog was empty: only then may a parked carrier need waking (a carrier parks only after
     * seeing every backlog empty, so work added to a non-empty one is found by whoever is awake).
     */
    boolean push(Tasklet t) {
        lock();
        try {
            States.queued(t, owner);
            queue.addLast(t);
            int n = queue.size();
            size = n;
            return n == 1;
        } finally {
            unlock();
        }
    }

    /** Owner: the oldest waiting tasklet, taken out (now in no queue), or null. */
    Tasklet poll() {
        if (size == 0) {
            return null;
        }
        lock();
        try {
            Tasklet t = queue.pollFirst();
            if (t != null) {
                States.unqueued(t, owner);
                size = queue.size();
            }
            return t;
        } finally {
            unlock();
        }
    }

    /** Owner: takes {@code t} out (it becomes paused); false if a thief took it first. */
    boolean remove(Tasklet t) {
        lock();
        try {
            if (t.where != States.QUEUED || t.sched != owner || !queue.remove(t)) {
                return false;
            }
            States.unqueued(t, owner);
            size = queue.size();
            return true;
        } finally {
            unlock();
        }
    }

    /**
     * A thief (the owner of {@code to}, on its own thread): takes the older half (rounded up) of
     * this backlog, at most {@code max}, and makes them {@code to}'s, paused; returns them oldest
     * first, or an empty list.
     */
    List<Tasklet> stealHalf(Scheduler to, int max) {
        if (size == 0) {
            return List.of();
        }
        lock();
        try {
            int n = Math.min(max, queue.size() - queue.size() / 2);
            List<Tasklet> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Tasklet t = queue.pollFirst();
                States.unqueued(t, to);
                out.add(t);
            }
            size = queue.size();
            return out;
        } finally {
            unlock();
        }
    }

    /** Owner, when the carrier stops: every waiting tasklet, taken out. */
    List<Tasklet> drain() {
        lock();
        try {
            List<Tasklet> out = new ArrayList<>(queue);
            for (Tasklet t : out) {
                States.unqueued(t, owner);
            }
            queue.clear();
            size = 0;
            return out;
        } finally {
            unlock();
        }
    }
}
