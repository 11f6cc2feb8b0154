package org.jstackless.internal.pickle;

import org.jstackless.Tasklet;

/** The pickled tasklet itself (no other tasklet pickles): stands for the loaded tasklet. */
final class SelfCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.SELF;
    }

    @Override
    public String name() {
        return "Tasklet(self)";
    }

    @Override
    public boolean writes(Class<?> c) {
        return Tasklet.class.isAssignableFrom(c);
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        if (o != w.self) {
            throw w.refuse(o.getClass(), ctx, "only the pickled tasklet itself may be referenced, not " + o);
        }
        w.out().u8(Kinds.SELF);
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        // The only one-byte entry: at most one, so an object costs at least two bytes of input.
        if (r.selfId != 0) {
            throw In.bad("the tasklet itself twice in the object table");
        }
        r.selfId = id;
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return r.self();
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return Tasklet.class;
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return "the tasklet itself";
    }
}
