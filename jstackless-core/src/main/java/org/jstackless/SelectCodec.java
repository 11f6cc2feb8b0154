package org.jstackless;

import org.jstackless.internal.pickle.Codec;
import org.jstackless.internal.pickle.In;
import org.jstackless.internal.pickle.ObjectReader;
import org.jstackless.internal.pickle.ObjectWriter;
import org.jstackless.internal.pickle.Payload;

/**
 * A {@link Select}: its cases (channel, direction, the value a send case offers, the handler), its
 * default and its timeout with their handlers, and — for a select a tasklet is blocked in — the
 * time its timeout had left. Not its per-selection state (records, owner, timer): the pickler
 * writes that the pickled tasklet is blocked in this select, and {@link Select#restoreBlocked}
 * queues the loaded tasklet on every case's loaded channel again. In this package because the
 * cases are the select's own, read and rebuilt through package-private methods.
 *
 * <pre>
 *   u8 flags (1 default, 2 timeout, 4 remaining time), uvar case count,
 *   per case: channel id, zigzag direction (+1 send, -1 receive), value id, handler id,
 *   default handler id (flag 1), timeout nanos and its handler id (flag 2), remaining nanos (flag 4)
 * </pre>
 */
final class SelectCodec implements Codec {
    private static final int DEFAULT = 1;
    private static final int TIMEOUT = 2;
    private static final int REMAINING = 4;

    /** What parse keeps for create/complete: directions, and the times. */
    private record Shape(int flags, int[] dirs, long timeoutNanos, long remaining) {
    }

    @Override
    public int tag() {
        return Payload.SELECT;
    }

    @Override
    public String name() {
        return "Select";
    }

    @Override
    public boolean writes(Class<?> c) {
        return c == Select.class;
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Select<?> sel = (Select<?>) o;
        Select.Snapshot s = sel.snapshot();
        int n = s.channels().length;
        int[] ids = new int[n * 3];
        for (int i = 0; i < n; i++) {
            ids[3 * i] = w.ref(s.channels()[i], ctx + " (a channel of a select)");
            ids[3 * i + 1] = w.ref(s.values()[i], ctx + " (the value a select's send case offers)");
            ids[3 * i + 2] = w.ref(s.handlers()[i], ctx + " (a select case's handler)");
        }
        int orElse = s.orElse() == null ? 0 : w.ref(s.orElse(), ctx + " (a select's default handler)");
        int onTimeout = s.onTimeout() == null ? 0 : w.ref(s.onTimeout(), ctx + " (a select's timeout handler)");
        int flags = (s.orElse() != null ? DEFAULT : 0) | (s.onTimeout() != null ? TIMEOUT : 0)
                | (s.remaining() >= 0 ? REMAINING : 0);
        w.out().u8(Payload.SELECT);
        w.out().u8(flags);
        w.out().uvar(n);
        for (int i = 0; i < n; i++) {
            w.out().uvar(ids[3 * i]);
            w.out().svar(s.dirs()[i]);
            w.out().uvar(ids[3 * i + 1]);
            w.out().uvar(ids[3 * i + 2]);
        }
        if (s.orElse() != null) {
            w.out().uvar(orElse);
        }
        if (s.onTimeout() != null) {
            w.out().uvar(s.timeoutNanos());
            w.out().uvar(onTimeout);
        }
        if (s.remaining() >= 0) {
            w.out().uvar(s.remaining());
        }
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        int flags = in.u8();
        if ((flags & ~(DEFAULT | TIMEOUT | REMAINING)) != 0 || (flags & (DEFAULT | TIMEOUT)) == (DEFAULT | TIMEOUT)
                || ((flags & REMAINING) != 0 && (flags & TIMEOUT) == 0)) {
            throw In.bad("select flags " + flags);
        }
        int n = in.count("select case count", r.maxObjects(), 4);
        int[] dirs = new int[n];
        int[] refs = new int[n * 3 + 2];
        for (int i = 0; i < n; i++) {
            refs[3 * i] = r.readId(in, "select channel id");
            long d = in.svar();
            if (d != 1 && d != -1) {
                throw In.bad("select case direction " + d);
            }
            dirs[i] = (int) d;
            refs[3 * i + 1] = r.readId(in, "select value id");
            refs[3 * i + 2] = r.readId(in, "select handler id");
        }
        long timeout = -1;
        long remaining = -1;
        if ((flags & DEFAULT) != 0) {
            refs[3 * n] = r.readId(in, "select default id");
        }
        if ((flags & TIMEOUT) != 0) {
            timeout = in.uvar();
            refs[3 * n + 1] = r.readId(in, "select timeout handler id");
        }
        if ((flags & REMAINING) != 0) {
            remaining = in.uvar();
            if (remaining < 0 || remaining > timeout) {
                throw In.bad("select remaining time " + remaining + " ns of a " + timeout + " ns timeout");
            }
        }
        if (n == 0 && (flags & (DEFAULT | TIMEOUT)) == 0) {
            throw In.bad("a select without case, default or timeout");
        }
        r.entry(id, flags, 0, new Shape(flags, dirs, timeout, remaining), refs);
    }

    /** Made empty first, filled once its channels, values and handlers exist (they may refer back to it). */
    @Override
    public Object create(ObjectReader r, int id) {
        return new Select<>();
    }

    @Override
    public boolean container() {
        return true;
    }

    @Override
    public Object complete(ObjectReader r, int id) {
        Select<?> sel = (Select<?>) r.created(id);
        Shape sh = (Shape) r.payload(id);
        int[] refs = r.refs(id);
        int n = sh.dirs().length;
        Object[] channels = new Object[n];
        Object[] values = new Object[n];
        Object[] handlers = new Object[n];
        for (int i = 0; i < n; i++) {
            channels[i] = r.created(refs[3 * i]);
            values[i] = r.created(refs[3 * i + 1]);
            handlers[i] = r.created(refs[3 * i + 2]);
        }
        Object orElse = (sh.flags() & DEFAULT) != 0 ? r.created(refs[3 * n]) : null;
        Object onTimeout = (sh.flags() & TIMEOUT) != 0 ? r.created(refs[3 * n + 1]) : null;
        try {
            sel.restore(new Select.Snapshot(channels, sh.dirs(), values, handlers, orElse, sh.timeoutNanos(), onTimeout,
                    sh.remaining()));
        } catch (ClassCastException | IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw In.bad("select #" + id + ": " + e.getMessage());
        }
        return sel;
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return Select.class;
    }

    @Override
    public String describe(ObjectReader r, int id) {
        Shape sh = (Shape) r.payload(id);
        return "Select #" + id + " of " + sh.dirs().length + " case(s)"
                + ((sh.flags() & DEFAULT) != 0 ? " or default" : "")
                + ((sh.flags() & TIMEOUT) != 0 ? " timeout " + sh.timeoutNanos() + " ns" : "")
                + (sh.remaining() >= 0 ? " (" + sh.remaining() + " ns left)" : "");
    }
}
