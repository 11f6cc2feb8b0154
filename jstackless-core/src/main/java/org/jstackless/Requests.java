package org.jstackless;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.jstackless.internal.Errors;

/**
 * Operations other threads ask of a scheduler's tasklets (spec §9: remote insert, run, remove,
 * throw): posted to the owner's {@link Inbox} as {@link Request}s and carried out by the owner at
 * its next switch, while the caller already sees their effect.
 *
 * <p>State: {@link Tasklet#requested}, written only here. Bits 0–1 hold the state the last posted
 * remove/insert leaves the tasklet in ({@link #REMOVED} or {@link #INSERTED}), the bits above the
 * number of such requests still in the owner's inbox. Posters add, the owner subtracts as it applies
 * them; the state queries read it, so the caller sees its request at once. Invariant: zero exactly
 * when no remove/insert request of the tasklet is pending (throws are not counted: they are seen
 * when they land).
 */
final class Requests {
    static final int REMOVED = 1;
    static final int INSERTED = 2;
    private static final int ONE = 4;
    private static final VarHandle REQUESTED;

    static {
        try {
            REQUESTED = MethodHandles.lookup().findVarHandle(Tasklet.class, "requested", short.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Requests() {
    }

    /** Hands an operation on {@code t} to its owner thread; checks what can be checked from here. */
    static Tasklet request(Tasklet t, Request.Kind kind, Bomb bomb) {
        if (kind != Request.Kind.THROW) {
            if (t.where == States.CHANNEL) {
                throw new IllegalStateException(Errors.RUN_BLOCKED);
            }
            if (!t.isAlive()) {
                throw new IllegalStateException(Errors.RUN_DEAD);
            }
        }
        post(t, kind, bomb);
        return t;
    }

    /** Posts a request to the owner; insert-like and remove requests count as done for the caller at once. */
    static void post(Tasklet t, Request.Kind kind, Bomb bomb) {
        int state = switch (kind) {
            case REMOVE -> REMOVED;
            case INSERT, RUN -> INSERTED;
            case THROW -> 0;
        };
        if (state != 0) {
            while (true) {
                int old = t.requested & 0xffff;
                int n = (old & ~3) + ONE;
                if (n > 0xffff) {
                    throw new IllegalStateException("too many requests on tasklet " + t.id + " wait for its thread "
                            + t.thread().getName() + " to carry them out; that thread does not reach a switch");
                }
                if (REQUESTED.compareAndSet(t, (short) old, (short) (n | state))) {
                    break;
                }
            }
        }
        t.sched.inbox.post(new Request(kind, t, bomb));
    }

    /** Owner: one request of {@code t} posted by {@link #post} was carried out (or dropped). */
    static void applied(Tasklet t, Request.Kind kind) {
        if (kind == Request.Kind.THROW) {
            return;
        }
        while (true) {
            int old = t.requested & 0xffff;
            int n = (old & ~3) - ONE;
            int next = n <= 0 ? 0 : n | (old & 3);
            if (REQUESTED.compareAndSet(t, (short) old, (short) next)) {
                return;
            }
        }
    }

    /** True while a remove/insert asked by another thread waits for the owner. */
    static boolean pending(Tasklet t) {
        return t.requested != 0;
    }

    /** The state the pending requests leave {@code t} in: 0 (none), {@link #REMOVED} or {@link #INSERTED}. */
    static int state(Tasklet t) {
        return t.requested & 3;
    }

    /** Its thread's session is over: the requests still in that inbox are never carried out. */
    static void forget(Tasklet t) {
        t.requested = 0;
    }

    /**
     * A non-owner about to move {@code t} waits (a bounded time) until its owner has carried out
     * the remove/insert requests already posted, so that the move sees the state the caller sees.
     */
    static void awaitApplied(Tasklet t, Scheduler owner) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pending(t) && !owner.ended()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("thread " + owner.carrier.thread().getName() + " has not carried out "
                        + "the remove()/insert() asked of tasklet " + t.id + " within 10 s (it reaches no switch); "
                        + "bindThread needs it to");
            }
            owner.inbox.wake();
            LockSupport.parkNanos(100_000L);
        }
    }

    /** Owner of {@code s}: a foreign thread's request, if it still applies (the tasklet may have moved on). */
    static void apply(Scheduler s, Request r) {
        try {
            applyNow(s, r);
        } finally {
            applied(r.tasklet(), r.kind());
        }
    }

    private static void applyNow(Scheduler s, Request r) {
        Tasklet t = r.tasklet();
        if (t.sched != s) {
            Scheduler now = t.sched;
            if (!now.closed && t.isAlive()) {
                now.inbox.post(r); // a pool carrier took it meanwhile: the request follows it
            }
            return;
        }
        if (!t.isAlive()) {
            return;
        }
        if (t.where == States.TRANSIT && r.kind() != Request.Kind.THROW) {
            return; // it is on its way into the ring already
        }
        switch (r.kind()) {
            case INSERT -> {
                if (t.where == States.NOWHERE) {
                    States.insert(s, t);
                }
            }
            case RUN -> {
                if (t.where == States.QUEUED && s.backlog.remove(t)) {
                    States.insert(s, t);
                } else if (t.where == States.NOWHERE) {
                    if (s.head == null) {
                        States.insert(s, t);
                    } else {
                        States.insertAfter(s, s.head, t);
                    }
                }
            }
            case THROW -> {
                // Off the channel first (under its lock), then the bomb: a rendezvous on another
                // thread must never receive the exception meant for this tasklet.
                if (t.where == States.WAITING) {
                    t.tempval = r.bomb();
                    s.waits.interruptWait(t);
                } else if (States.takeBack(s, t)) {
                    States.makeRunnable(s, t);
                    t.tempval = r.bomb();
                } else {
                    t.sched.inbox.post(r); // adopted or stolen by another carrier a moment ago
                }
            }
            case REMOVE -> {
                if (t.where == States.RING && t != s.current) {
                    States.unlink(s, t);
                } else if (t.where == States.QUEUED && !s.backlog.remove(t) && t.sched != s) {
                    t.sched.inbox.post(r);
                }
            }
        }
    }
}
