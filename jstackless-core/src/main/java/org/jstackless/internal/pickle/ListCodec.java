package org.jstackless.internal.pickle;

import java.util.ArrayList;
import java.util.List;

/** An {@link ArrayList} (exactly that class): its elements' ids. A container. */
final class ListCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.LIST;
    }

    @Override
    public String name() {
        return "ArrayList";
    }

    @Override
    public boolean writes(Class<?> c) {
        return c == ArrayList.class;
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        List<?> l = (List<?>) o;
        int n = l.size();
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = w.ref(l.get(i), ctx);
        }
        Out out = w.out();
        out.u8(Kinds.LIST);
        out.uvar(n);
        for (int x : r) {
            out.uvar(x);
        }
        w.hashKids(o, r);
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        r.entry(id, 0, 0, null, r.ids(in));
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return new ArrayList<>(r.refs(id).length);
    }

    @Override
    public boolean container() {
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object complete(ObjectReader r, int id) {
        List<Object> l = (List<Object>) r.created(id);
        for (int x : r.refs(id)) {
            l.add(r.created(x));
        }
        return l;
    }

    @Override
    public int[] hashChildren(ObjectReader r, int id) {
        return r.refs(id);
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return ArrayList.class;
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return "ArrayList #" + id + " size " + r.refs(id).length;
    }
}
