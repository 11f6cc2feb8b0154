package org.jstackless;

import org.jstackless.internal.pickle.Codec;
import org.jstackless.internal.pickle.In;
import org.jstackless.internal.pickle.ObjectReader;
import org.jstackless.internal.pickle.ObjectWriter;
import org.jstackless.internal.pickle.Payload;

/**
 * A {@link Channel}: its settings (preference, flags: schedule-all 1, closing 2, buffered
 * {@link Payload#CHANNEL_BUFFERED}) and, for a buffered channel, its capacity and the ids of its
 * buffered values, oldest first. Its queue of blocked tasklets is not written here: the pickler
 * writes which channel the pickled tasklet is blocked on, and puts the loaded tasklet back in the
 * copy's queue. In this package because the buffer is the channel's own, read and refilled through
 * package-private methods.
 */
final class ChannelCodec implements Codec {
    /** Every flag bit the format knows; an entry with another is refused. */
    private static final int FLAGS = 1 | 2 | Payload.CHANNEL_BUFFERED;

    @Override
    public int tag() {
        return Payload.CHANNEL;
    }

    @Override
    public String name() {
        return "Channel";
    }

    @Override
    public boolean writes(Class<?> c) {
        return Channel.class.isAssignableFrom(c);
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Channel<?> ch = (Channel<?>) o;
        int flags = (ch.scheduleAll() ? 1 : 0) | (ch.isClosing() ? 2 : 0);
        if (ch.capacity() == 0) {
            w.out().u8(Payload.CHANNEL);
            w.out().svar(ch.preference());
            w.out().u8(flags);
            return;
        }
        // The buffered values are the channel's contents: they travel with it.
        Object[] vs = ch.bufferedValues();
        int[] ids = new int[vs.length];
        for (int i = 0; i < vs.length; i++) {
            ids[i] = w.ref(vs[i], ctx + " (a value buffered in a channel)");
        }
        w.out().u8(Payload.CHANNEL);
        w.out().svar(ch.preference());
        w.out().u8(flags | Payload.CHANNEL_BUFFERED);
        w.out().uvar(ch.capacity());
        w.out().uvar(ids.length);
        for (int id : ids) {
            w.out().uvar(id);
        }
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        long pref = in.svar();
        if (pref < -1 || pref > 1) {
            throw In.bad("channel preference " + pref);
        }
        int flags = in.u8();
        if ((flags & ~FLAGS) != 0) {
            throw In.bad("channel flags " + flags);
        }
        if ((flags & Payload.CHANNEL_BUFFERED) == 0) {
            r.entry(id, flags, pref, null, null);
            return;
        }
        // capacity, then the buffered values; the buffer costs memory, so it is bounded like the table
        int cap = in.count("channel capacity", r.maxObjects(), 0);
        int[] vs = r.readIds(in);
        if (cap == 0 || vs.length > cap) {
            throw In.bad("channel with " + vs.length + " buffered values and capacity " + cap);
        }
        r.entry(id, flags, pref, cap, vs);
    }

    @Override
    public Object create(ObjectReader r, int id) {
        Channel<Object> ch = r.payload(id) instanceof Integer cap ? new Channel<>(cap) : new Channel<>();
        ch.setPreference((int) r.prim(id));
        ch.setScheduleAll((r.cls(id) & 1) != 0);
        if ((r.cls(id) & 2) != 0) {
            ch.close();
        }
        return ch;
    }

    /** A buffered channel holds its values, filled once they exist (an unbuffered one has none to wait for). */
    @Override
    public boolean container() {
        return true;
    }

    @Override
    public Object complete(ObjectReader r, int id) {
        Channel<?> ch = (Channel<?>) r.created(id);
        int[] ids = r.refs(id);
        if (ids.length > 0) {
            Object[] vs = new Object[ids.length];
            for (int i = 0; i < ids.length; i++) {
                vs[i] = r.created(ids[i]);
            }
            ch.restoreBuffered(vs);
        }
        return ch;
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return Channel.class;
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return "Channel #" + id + " preference " + r.prim(id)
                + (r.payload(id) instanceof Integer cap ? " capacity " + cap + " buffered " + r.refs(id).length : "");
    }
}
