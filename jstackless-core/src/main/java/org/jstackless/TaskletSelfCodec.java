package org.jstackless;

import org.jstackless.internal.pickle.Codec;
import org.jstackless.internal.pickle.In;
import org.jstackless.internal.pickle.ObjectReader;
import org.jstackless.internal.pickle.ObjectWriter;
import org.jstackless.internal.pickle.Payload;

/**
 * The pickled tasklet itself (no other tasklet pickles): stands for the loaded tasklet. A codec of
 * the runtime (the pickle layer knows no tasklet): the writer and reader carry the tasklet as their
 * {@code self}.
 */
final class TaskletSelfCodec implements Codec {
    @Override
    public int tag() {
        return Payload.SELF;
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
        if (o != w.self()) {
            throw w.refuse(o.getClass(), ctx, "only the pickled tasklet itself may be referenced, not " + o);
        }
        w.out().u8(Payload.SELF);
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        // The only one-byte entry: at most one, so an object costs at least two bytes of input.
        if (!r.noteSelf(id)) {
            throw In.bad("the tasklet itself twice in the object table");
        }
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
