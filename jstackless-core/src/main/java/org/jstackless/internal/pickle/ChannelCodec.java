package org.jstackless.internal.pickle;

import org.jstackless.Channel;

/**
 * A {@link Channel}: its settings (preference, schedule-all, closing). Its queue is not written
 * here: the pickler writes which channel the pickled tasklet is blocked on, and puts the loaded
 * tasklet back in the copy's queue.
 */
final class ChannelCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.CHANNEL;
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
        w.out().u8(Kinds.CHANNEL);
        w.out().svar(ch.preference());
        w.out().u8((ch.scheduleAll() ? 1 : 0) | (ch.isClosing() ? 2 : 0));
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        long pref = in.svar();
        if (pref < -1 || pref > 1) {
            throw In.bad("channel preference " + pref);
        }
        r.entry(id, in.u8(), pref, null, null);
    }

    @Override
    public Object create(ObjectReader r, int id) {
        Channel<Object> ch = new Channel<>();
        ch.setPreference((int) r.prim(id));
        ch.setScheduleAll((r.cls(id) & 1) != 0);
        if ((r.cls(id) & 2) != 0) {
            ch.close();
        }
        return ch;
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return Channel.class;
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return "Channel #" + id + " preference " + r.prim(id);
    }
}
