package org.jstackless.sync;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.NotPicklableException;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.internal.pickle.Codec;
import org.jstackless.internal.pickle.Codecs;
import org.jstackless.internal.pickle.ExactClassCodec;
import org.jstackless.internal.pickle.In;
import org.jstackless.internal.pickle.ObjectReader;
import org.jstackless.internal.pickle.ObjectWriter;
import org.jstackless.internal.pickle.Out;

/**
 * The pickled kinds of this package (one codec each), so a tasklet suspended in a lock, semaphore,
 * event or condition pickles like one blocked on a channel, without allowing the library's own
 * classes. Contributed to the registry ({@link Codecs#contribute}) when this package initialises
 * ({@link Semaphore}'s static initialiser; the pickler initialises it first).
 *
 * <p>What comes back: each primitive in the state it had (permits, set or not, lock holds), and in
 * its queue only the pickled tasklet's own waiter, blocked on the copy of its channel (other
 * tasklets are not pickled, so their waiters are left out: a wake-up handed to one would never be
 * taken). A lock held by the pickled tasklet comes back held by it; one held by another tasklet
 * comes back held once by the tasklet that loads the pickle, which releases it to let the loaded
 * tasklet in. The primitives' fields are read and set only through their own package-private
 * methods.
 */
final class SyncCodecs {
    /** Kind bytes: the next free ones after the core's (see {@code internal.pickle.Kinds}). */
    static final int LOCK = 24;
    static final int SEMAPHORE = 25;
    static final int EVENT = 26;
    static final int CONDITION = 27;
    static final int WAIT_QUEUE = 28;
    static final int WAITER = 29;

    private SyncCodecs() {
    }

    /** Adds this package's codecs to the registry (once, from Semaphore's initialisation). */
    static void contribute() {
        Codecs.contribute(List.of(new LockCodec(), new SemaphoreCodec(), new EventCodec(), new ConditionCodec(),
                new WaitQueueCodec(), new WaiterCodec()));
    }

    private static NotPicklableException malformed(String what) {
        return new NotPicklableException("malformed pickle: " + what);
    }

    /** Base of the codecs here: exact classes, created once the ids they refer to exist. */
    private abstract static class Base extends ExactClassCodec {
        Base(int tag, Class<?> type) {
            super(tag, type);
        }

        @Override
        public Object create(ObjectReader r, int id) {
            return null;
        }

        @Override
        public String describe(ObjectReader r, int id) {
            return name() + " #" + id;
        }

        <T> T ref(ObjectReader r, int ref, Class<T> want, int id) {
            Object o = r.created(ref);
            if (!want.isInstance(o)) {
                throw malformed(name() + " #" + id + " refers to " + (o == null ? "null" : "a " + o.getClass().getName())
                        + " where a " + want.getSimpleName() + " belongs");
            }
            return want.cast(o);
        }
    }

    /** A lock: its holder (none, the pickled tasklet, or another tasklet) and holds. */
    static final class LockCodec extends Base {
        LockCodec() {
            super(LOCK, Lock.class);
        }

        @Override
        public void write(Object o, ObjectWriter w, Object ctx) {
            Lock l = (Lock) o;
            Tasklet owner = l.owner();
            int holds = l.holds();
            Out out = w.out();
            out.u8(LOCK);
            if (owner == null) {
                out.u8(0);
            } else if (owner == w.self()) {
                out.u8(1);
                out.uvar(w.ref(owner, ctx + " (holder of " + l + ")"));
            } else {
                out.u8(2); // another tasklet, not pickled: the loading tasklet stands for it
                holds = 1;
            }
            out.uvar(owner == null ? 0 : Math.max(holds, 1));
        }

        @Override
        public void parse(In in, ObjectReader r, int id) {
            int kind = in.u8();
            if (kind > 2) {
                throw malformed("lock holder kind " + kind);
            }
            int holder = kind == 1 ? r.readId(in, "holder id") : 0;
            long holds = in.uvar();
            if (holds > Integer.MAX_VALUE || (holds == 0) != (kind == 0)) {
                throw malformed(holds + " holds of a lock with holder kind " + kind);
            }
            r.entry(id, kind, holds, null, kind == 1 ? new int[] {holder} : null);
        }

        @Override
        public Object create(ObjectReader r, int id) {
            if (r.cls(id) == 1) {
                return null; // once its holder exists
            }
            Lock l = new Lock();
            l.restoreHeld(r.cls(id) == 2 ? Stackless.current() : null, r.cls(id) == 2 ? 1 : 0);
            return l;
        }

        @Override
        public Object complete(ObjectReader r, int id) {
            Lock l = new Lock();
            l.restoreHeld(ref(r, r.refs(id)[0], Tasklet.class, id), (int) r.prim(id));
            return l;
        }
    }

    /** A semaphore: its permits, and the lock it belongs to (0: none). */
    static final class SemaphoreCodec extends Base {
        SemaphoreCodec() {
            super(SEMAPHORE, Semaphore.class);
        }

        @Override
        public void write(Object o, ObjectWriter w, Object ctx) {
            Semaphore s = (Semaphore) o;
            Lock lock = s.lock;
            Out out = w.out();
            out.u8(SEMAPHORE);
            out.uvar(lock == null ? 0 : w.ref(lock, ctx));
            out.uvar(s.availablePermits());
        }

        @Override
        public void parse(In in, ObjectReader r, int id) {
            int lock = r.readId(in, "lock id");
            long permits = in.uvar();
            if (permits > Integer.MAX_VALUE) {
                throw malformed("semaphore permits " + permits);
            }
            r.entry(id, 0, permits, null, lock == 0 ? null : new int[] {lock});
        }

        @Override
        public Object create(ObjectReader r, int id) {
            return r.refs(id).length == 0 ? new Semaphore((int) r.prim(id)) : null;
        }

        @Override
        public Object complete(ObjectReader r, int id) {
            Semaphore s = ref(r, r.refs(id)[0], Lock.class, id).permit();
            s.restorePermits((int) r.prim(id));
            return s;
        }
    }

    /** An event: set or not. */
    static final class EventCodec extends Base {
        EventCodec() {
            super(EVENT, Event.class);
        }

        @Override
        public void write(Object o, ObjectWriter w, Object ctx) {
            w.out().u8(EVENT);
            w.out().u8(((Event) o).isSet() ? 1 : 0);
        }

        @Override
        public void parse(In in, ObjectReader r, int id) {
            int set = in.u8();
            if (set > 1) {
                throw malformed("event state " + set);
            }
            r.entry(id, set, 0, null, null);
        }

        @Override
        public Object create(ObjectReader r, int id) {
            Event e = new Event();
            if (r.cls(id) == 1) {
                e.restoreSet();
            }
            return e;
        }
    }

    /** A condition: its lock. */
    static final class ConditionCodec extends Base {
        ConditionCodec() {
            super(CONDITION, Condition.class);
        }

        @Override
        public void write(Object o, ObjectWriter w, Object ctx) {
            Condition c = (Condition) o;
            w.out().u8(CONDITION);
            w.out().uvar(w.ref(c.lock(), ctx + " (lock of a Condition)"));
        }

        @Override
        public void parse(In in, ObjectReader r, int id) {
            r.entry(id, 0, 0, null, new int[] {r.readId(in, "lock id")});
        }

        @Override
        public Object complete(ObjectReader r, int id) {
            return new Condition(ref(r, r.refs(id)[0], Lock.class, id));
        }
    }

    /**
     * A primitive's wait queue: its primitive, and of its waiters only those the pickle reaches
     * otherwise (the pickled tasklet's own, held by its frames: reached before any entry is written).
     */
    static final class WaitQueueCodec extends Base {
        WaitQueueCodec() {
            super(WAIT_QUEUE, WaitQueue.class);
        }

        @Override
        public void write(Object o, ObjectWriter w, Object ctx) {
            WaitQueue q = (WaitQueue) o;
            Object guard = q.guard();
            List<WaitQueue.Waiter> ws;
            synchronized (guard) {
                ws = q.waiters();
            }
            int g = w.ref(guard, ctx);
            List<Integer> kept = new ArrayList<>();
            for (WaitQueue.Waiter x : ws) {
                if (w.idIfReached(x) != 0) {
                    kept.add(w.idIfReached(x));
                }
            }
            Out out = w.out();
            out.u8(WAIT_QUEUE);
            out.uvar(g);
            out.uvar(kept.size());
            for (int k : kept) {
                out.uvar(k);
            }
        }

        @Override
        public void parse(In in, ObjectReader r, int id) {
            int guard = r.readId(in, "primitive id");
            int n = in.count("waiter count", r.count(), 1);
            int[] refs = new int[n + 1];
            refs[0] = guard;
            for (int i = 1; i <= n; i++) {
                refs[i] = r.readId(in, "waiter id");
            }
            r.entry(id, 0, 0, null, refs);
        }

        @Override
        public Object complete(ObjectReader r, int id) {
            int[] refs = r.refs(id);
            Object g = r.created(refs[0]);
            WaitQueue q = switch (g) {
                case Semaphore s -> s.queue();
                case Event e -> e.queue();
                case Condition c -> c.queue();
                case null, default -> throw malformed("wait queue #" + id + " of "
                        + (g == null ? "null" : "a " + g.getClass().getName()));
            };
            List<WaitQueue.Waiter> ws = new ArrayList<>();
            for (int i = 1; i < refs.length; i++) {
                ws.add(ref(r, refs[i], WaitQueue.Waiter.class, id));
            }
            synchronized (g) {
                if (q.waiting() != 0) {
                    throw malformed("wait queue #" + id + " twice in the pickle");
                }
                q.restoreWaiters(ws);
            }
            return q;
        }
    }

    /**
     * A waiting tasklet's record: its channel (the pickler puts the tasklet back on the copy), and
     * whether it was woken (picked, token delivered). A waiter whose token is still on its way is
     * refused: the waker is not pickled, so the token would never come.
     */
    static final class WaiterCodec extends Base {
        WaiterCodec() {
            super(WAITER, WaitQueue.Waiter.class);
        }

        @Override
        public void write(Object o, ObjectWriter w, Object ctx) {
            WaitQueue.Waiter x = (WaitQueue.Waiter) o;
            int ch = w.ref(x.channel, ctx);
            boolean picked = x.picked;
            boolean delivered = x.delivered;
            if (picked && !delivered) {
                // A waker (on another thread) is between choosing it and sending: the token is not pickled.
                throw new NotPicklableException("cannot pickle a waiter of a sync primitive (reached from " + ctx
                        + "): a permit, lock or signal is on its way to it from another thread; pickle the tasklet "
                        + "again once it has arrived");
            }
            w.out().u8(WAITER);
            w.out().uvar(ch);
            w.out().u8(picked ? 3 : 0);
        }

        @Override
        public void parse(In in, ObjectReader r, int id) {
            int ch = r.readId(in, "channel id");
            int flags = in.u8();
            if (flags != 0 && flags != 3) {
                // Waiting (0), or woken with its token taken (3): a token on its way is never pickled.
                throw malformed("waiter flags " + flags);
            }
            r.entry(id, flags, 0, null, new int[] {ch});
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object complete(ObjectReader r, int id) {
            WaitQueue.Waiter x = new WaitQueue.Waiter(ref(r, r.refs(id)[0], Channel.class, id));
            x.picked = (r.cls(id) & 1) != 0;
            x.delivered = (r.cls(id) & 2) != 0;
            return x;
        }
    }
}
