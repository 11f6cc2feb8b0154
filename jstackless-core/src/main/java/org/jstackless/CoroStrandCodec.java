package org.jstackless;

import org.jstackless.internal.pickle.Codec;
import org.jstackless.internal.pickle.In;
import org.jstackless.internal.pickle.ObjectReader;
import org.jstackless.internal.pickle.ObjectWriter;
import org.jstackless.internal.pickle.Payload;

/**
 * The strand body of a pickled greenlet or generator (the receiver of its outermost frame):
 * written as the id of its concept object; loaded as the restored concept's strand body
 * ({@link CoroutineCodec.Load}).
 */
final class CoroStrandCodec implements Codec {
    @Override
    public int tag() {
        return Payload.CORO_STRAND;
    }

    @Override
    public String name() {
        return "coroutine strand";
    }

    @Override
    public boolean writes(Class<?> c) {
        return c == Coroutine.CoroStrand.class;
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Coroutine.CoroStrand cs = (Coroutine.CoroStrand) o;
        Object owner = cs.owner();
        if (!(owner instanceof Greenlet) && !(owner instanceof Generator<?>)) {
            throw new NotPicklableException("cannot pickle the strand of " + cs.coroutine() + " (reached from " + ctx
                    + "): only greenlets' and generators' coroutines pickle");
        }
        w.out().u8(Payload.CORO_STRAND);
        w.out().uvar(w.ref(owner, ctx));
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        r.entry(id, 0, 0, null, new int[] {r.readId(in, "coroutine id")});
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return null; // once its coroutine exists
    }

    @Override
    public Object complete(ObjectReader r, int id) {
        int co = r.refs(id)[0];
        if (r.kind(co) != Payload.COROUTINE || r.prim(co) != Payload.CO_SUSPENDED) {
            throw new NotPicklableException("malformed pickle: coroutine strand #" + id + " of a "
                    + (r.kind(co) == Payload.COROUTINE ? "coroutine that is not suspended" : "non-coroutine"));
        }
        return ((CoroutineCodec.Load) r.context()).strand(r.created(co));
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return null;
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return "strand body of coroutine #" + r.refs(id)[0];
    }
}
