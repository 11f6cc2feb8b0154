package org.jstackless.internal.pickle;


/**
 * An object of an allowed ordinary class, field by field in {@link Fields} order (the class table
 * carries the field names, checked against the loading program's); loaded without running a
 * constructor. The catch-all: takes every class no other codec took, and refuses those not allowed.
 */
final class PlainCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.PLAIN;
    }

    @Override
    public String name() {
        return "object";
    }

    @Override
    public boolean writes(Class<?> c) {
        return true;
    }

    /** "field C.f (declared type T) of an object reached from ..." */
    private record FieldCtx(java.lang.reflect.Field f, Object parent) {
        @Override
        public String toString() {
            return "field " + f.getDeclaringClass().getName() + "." + f.getName() + " of type " + f.getType().getTypeName()
                    + ", in an object reached from " + parent;
        }
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Class<?> c = o.getClass();
        if (!w.allowed.test(c)) {
            throw w.refuse(c, ctx, "class " + c.getName() + " is not allowed; add it with "
                    + "Pickler.builder().allow(" + c.getSimpleName() + ".class)");
        }
        Fields.Shape shape;
        try {
            shape = Fields.of(c);
        } catch (RuntimeException e) {
            if (!PickleErrors.isNotPicklable(e)) {
                throw e;
            }
            throw w.refuse(c, ctx, e.getMessage());
        }
        java.lang.reflect.Field[] fs = shape.fields();
        int[] r = new int[fs.length];
        for (int i = 0; i < fs.length; i++) {
            Object v;
            try {
                v = fs[i].get(o);
            } catch (IllegalAccessException | RuntimeException e) {
                throw w.refuse(c, ctx, "cannot read field " + fs[i].getName() + ": " + e);
            }
            r[i] = w.ref(v, new FieldCtx(fs[i], ctx));
        }
        int ci = w.cls(c);
        w.classFields(ci, shape.names());
        Out out = w.out();
        out.u8(Kinds.PLAIN);
        out.uvar(ci);
        out.uvar(r.length);
        for (int x : r) {
            out.uvar(x);
        }
        if (!Fields.identityHash(c)) {
            w.hashKids(o, r);
        }
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        int c = in.index("class index", r.classNames.length);
        if (r.classFields[c] == null) {
            throw In.bad("object #" + id + " of class " + r.classNames[c] + ", which has no field list");
        }
        int[] ids = r.ids(in);
        if (ids.length != r.classFields[c].length) {
            throw In.bad("object #" + id + " has " + ids.length + " fields, its class " + r.classFields[c].length);
        }
        r.entry(id, c, 0, null, ids);
    }

    /** A plain object with no field set and no constructor run; checks the class's fields against the pickle's. */
    @Override
    public Object create(ObjectReader r, int id) {
        Class<?> c = r.resolve(r.cls(id), false);
        Fields.Shape shape = Fields.of(c);
        String[] want = r.classFields[r.cls(id)];
        if (!java.util.Arrays.equals(want, shape.names())) {
            throw PickleErrors.notPicklable("class " + c.getName() + " changed since the pickle was made: the pickle has "
                    + "its fields " + java.util.Arrays.toString(want) + ", this program "
                    + java.util.Arrays.toString(shape.names()));
        }
        try {
            return shape.create().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw PickleErrors.notPicklable("cannot create an object of class " + c.getName() + ": " + e, e);
        }
    }

    @Override
    public boolean container() {
        return true;
    }

    @Override
    public Object complete(ObjectReader rd, int id) {
        Object o = rd.created(id);
        java.lang.reflect.Field[] fs = Fields.of(o.getClass()).fields();
        int[] r = rd.refs(id);
        for (int i = 0; i < fs.length; i++) {
            java.lang.reflect.Field f = fs[i];
            Object v = rd.created(r[i]);
            Class<?> t = f.getType();
            Class<?> boxed = t.isPrimitive() ? java.lang.invoke.MethodType.methodType(t).wrap().returnType() : t;
            if (v == null ? t.isPrimitive() : !boxed.isInstance(v)) {
                throw PickleErrors.notPicklable("field " + f.getDeclaringClass().getName() + "." + f.getName() + " of type "
                        + t.getTypeName() + " cannot hold " + (v == null ? "null" : "a " + v.getClass().getName())
                        + " (object #" + id + ")");
            }
            try {
                f.set(o, v);
            } catch (IllegalAccessException | RuntimeException e) {
                throw PickleErrors.notPicklable("cannot set field " + f.getDeclaringClass().getName() + "." + f.getName()
                        + ": " + e, e);
            }
        }
        return o;
    }

    @Override
    public int[] hashChildren(ObjectReader r, int id) {
        // An ordinary class that keeps Object.hashCode hashes by identity; one that overrides it may read any field.
        return Fields.identityHash(r.resolve(r.cls(id), false)) ? null : r.refs(id);
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return r.resolve(r.cls(id), false);
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return r.classNames[r.cls(id)] + " #" + id + " (" + r.refs(id).length + " fields)";
    }
}
