package org.jstackless.internal.pickle;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link HashMap} or a {@link LinkedHashMap} (exactly those classes; one codec instance each):
 * its entries' key and value ids, in iteration order. A container, filled last in a cycle because
 * a key must be complete before it is hashed; keys are checked by {@link KeyCheck} on both sides.
 */
final class MapCodec extends ExactClassCodec {
    static final MapCodec HASH = new MapCodec(Kinds.MAP, HashMap.class);
    static final MapCodec LINKED = new MapCodec(Kinds.LMAP, LinkedHashMap.class);

    private MapCodec(int tag, Class<?> type) {
        super(tag, type);
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Map<?, ?> m = (Map<?, ?>) o;
        int[] r = new int[m.size() * 2];
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            r[i++] = w.ref(e.getKey(), ctx);
            r[i++] = w.ref(e.getValue(), ctx);
        }
        Out out = w.out();
        out.u8(tag);
        out.uvar(i / 2);
        for (int j = 0; j < i; j++) {
            out.uvar(r[j]);
        }
        w.hashKids(o, r);
        int me = w.id(o);
        for (int j = 0; j < i; j += 2) {
            w.mapKey(r[j], me);
        }
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        int m = in.count("map size", r.maxObjects, 2);
        int[] ids = new int[m * 2];
        for (int j = 0; j < ids.length; j++) {
            ids[j] = r.readId(in, "object id");
        }
        r.entry(id, 0, 0, null, ids);
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return tag == Kinds.MAP ? new HashMap<>(r.refs(id).length) : new LinkedHashMap<>(r.refs(id).length);
    }

    @Override
    public boolean container() {
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object complete(ObjectReader rd, int id) {
        Map<Object, Object> m = (Map<Object, Object>) rd.created(id);
        int[] r = rd.refs(id);
        for (int i = 0; i < r.length; i += 2) {
            m.put(rd.created(r[i]), rd.created(r[i + 1]));
        }
        return m;
    }

    @Override
    public int[] hashChildren(ObjectReader r, int id) {
        return r.refs(id);
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return name() + " #" + id + " size " + r.refs(id).length / 2;
    }
}
