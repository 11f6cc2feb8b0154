package org.jstackless;

import org.jstackless.internal.pickle.Codec;
import org.jstackless.internal.pickle.In;
import org.jstackless.internal.pickle.ObjectReader;
import org.jstackless.internal.pickle.ObjectWriter;
import org.jstackless.internal.pickle.Payload;

/**
 * The yielder a generator gives its body ({@link Generator.BodyYielder}): written as the id of
 * its generator, which must be suspended in a yield; loaded as the restored generator's yielder.
 */
final class YielderCodec implements Codec {
    @Override
    public int tag() {
        return Payload.YIELDER;
    }

    @Override
    public String name() {
        return "yielder";
    }

    @Override
    public boolean writes(Class<?> c) {
        return c == Generator.BodyYielder.class;
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Generator<?> gen = ((Generator.BodyYielder<?>) o).generator();
        if (gen.isFinished() || gen.snapshot().phase() != CoroutineSnapshot.Phase.SUSPENDED) {
            throw new NotPicklableException("cannot pickle the yielder of " + gen + " (reached from " + ctx + "): only "
                    + "the yielder of a generator suspended in a yield pickles (with that generator)");
        }
        w.out().u8(Payload.YIELDER);
        w.out().uvar(w.ref(gen, ctx));
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        r.entry(id, 0, 0, null, new int[] {r.readId(in, "generator id")});
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return null; // once its generator exists
    }

    @Override
    public Object complete(ObjectReader r, int id) {
        int g = r.refs(id)[0];
        if (r.kind(g) != Payload.COROUTINE || r.cls(g) != Payload.CONCEPT_GENERATOR
                || r.prim(g) != Payload.CO_SUSPENDED) {
            throw new NotPicklableException("malformed pickle: yielder #" + id + " of something that is not a "
                    + "suspended generator");
        }
        return ((Generator<?>) r.created(g)).yielder();
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return Yielder.class;
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return "yielder of generator #" + r.refs(id)[0];
    }
}
