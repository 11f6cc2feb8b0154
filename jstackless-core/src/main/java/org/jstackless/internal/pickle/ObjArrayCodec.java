package org.jstackless.internal.pickle;

import java.lang.reflect.Array;

/** An array of references: its component class (built-in or allowed) and its elements' ids. A container. */
final class ObjArrayCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.OARRAY;
    }

    @Override
    public String name() {
        return "array";
    }

    @Override
    public boolean writes(Class<?> c) {
        return c.isArray() && !c.getComponentType().isPrimitive();
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Class<?> c = o.getClass();
        Class<?> comp = c.getComponentType();
        if (!ObjectReader.isBuiltin(comp)) {
            w.requireAllowed(comp, c, ctx);
        }
        Object[] a = (Object[]) o;
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = w.ref(a[i], ctx);
        }
        Out out = w.out();
        out.u8(Kinds.OARRAY);
        out.uvar(w.cls(comp));
        out.uvar(r.length);
        for (int x : r) {
            out.uvar(x);
        }
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        int c = in.index("class index", r.classNames.length);
        r.entry(id, c, 0, null, r.ids(in));
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return Array.newInstance(r.resolve(r.cls(id), true), r.refs(id).length);
    }

    @Override
    public boolean container() {
        return true;
    }

    @Override
    public Object complete(ObjectReader rd, int id) {
        Object[] a = (Object[]) rd.created(id);
        int[] r = rd.refs(id);
        for (int i = 0; i < r.length; i++) {
            try {
                a[i] = rd.created(r[i]);
            } catch (ArrayStoreException e) {
                throw PickleErrors.notPicklable("malformed pickle: a " + rd.created(r[i]).getClass().getName()
                        + " in an array of " + a.getClass().getComponentType().getName());
            }
        }
        return a;
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return r.resolve(r.cls(id), true).arrayType();
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return r.classNames[r.cls(id)] + "[" + r.refs(id).length + "] #" + id;
    }
}
