package org.jstackless.internal.pickle;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * An allowed record: its class and its components' ids. Loaded through its canonical constructor
 * (which may check the values), once every component exists; a cycle of records alone is refused.
 */
final class RecordCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.RECORD;
    }

    @Override
    public String name() {
        return "record";
    }

    @Override
    public boolean writes(Class<?> c) {
        return c.isRecord();
    }

    /** "component C.x of type T, in an object reached from ..." */
    private record RecordCtx(RecordComponent rc, Object parent) {
        @Override
        public String toString() {
            return "component " + rc.getDeclaringRecord().getName() + "." + rc.getName() + " of type "
                    + rc.getType().getTypeName() + ", in an object reached from " + parent;
        }
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Class<?> c = o.getClass();
        w.requireAllowed(c, c, ctx);
        Accessors a = ACCESSORS.get(c);
        RecordComponent[] rc = a.components();
        int[] r = new int[rc.length];
        for (int i = 0; i < rc.length; i++) {
            Object v;
            try {
                Method acc = a.methods()[i];
                if (!acc.canAccess(o)) {
                    acc.setAccessible(true);
                }
                v = acc.invoke(o);
            } catch (java.lang.reflect.InaccessibleObjectException e) {
                throw PickleErrors.notPicklable("cannot read component " + rc[i].getName() + " of record " + c.getName()
                        + " (reached from " + ctx + "): " + Fields.opensHint(c), e);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw PickleErrors.notPicklable("cannot read component " + rc[i].getName() + " of record " + c.getName()
                        + " (reached from " + ctx + "): " + e, e);
            }
            r[i] = w.ref(v, new RecordCtx(rc[i], ctx));
        }
        w.hashKids(o, r);
        Out out = w.out();
        out.u8(Kinds.RECORD);
        out.uvar(w.cls(c));
        out.uvar(r.length);
        for (int x : r) {
            out.uvar(x);
        }
    }

    /** A record class's components and their accessors. */
    private record Accessors(RecordComponent[] components, Method[] methods) {
    }

    /**
     * Cached per class: {@code getRecordComponents} makes fresh {@code Method}s each call, and each
     * fresh one builds its own accessor on first invoke, which cost more than the rest of a write.
     */
    private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> c) {
            RecordComponent[] rc = c.getRecordComponents();
            Method[] m = new Method[rc.length];
            for (int i = 0; i < rc.length; i++) {
                m[i] = rc[i].getAccessor();
            }
            return new Accessors(rc, m);
        }
    };

    @Override
    public void parse(In in, ObjectReader r, int id) {
        int c = in.index("class index", r.classNames.length);
        r.entry(id, c, 0, null, r.ids(in));
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return null; // once its components exist
    }

    /** A record class's components, their (boxed) types and canonical constructor, made accessible; cached per class. */
    private record RecordShape(RecordComponent[] components, Class<?>[] boxed, Constructor<?> create) {
    }

    private static final ClassValue<Object> RECORDS = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> c) {
            try {
                RecordComponent[] rc = c.getRecordComponents();
                Class<?>[] types = new Class<?>[rc.length];
                Class<?>[] boxed = new Class<?>[rc.length];
                for (int i = 0; i < rc.length; i++) {
                    types[i] = rc[i].getType();
                    boxed[i] = types[i].isPrimitive()
                            ? java.lang.invoke.MethodType.methodType(types[i]).wrap().returnType() : types[i];
                }
                Constructor<?> k = c.getDeclaredConstructor(types);
                k.setAccessible(true);
                return new RecordShape(rc, boxed, k);
            } catch (java.lang.reflect.InaccessibleObjectException e) {
                return "cannot create record " + c.getName() + ": " + Fields.opensHint(c);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return "cannot create record " + c.getName() + ": " + e;
            }
        }
    };

    @Override
    public Object complete(ObjectReader rd, int id) {
        Class<?> c = rd.resolve(rd.cls(id), false);
        if (!c.isRecord()) {
            throw PickleErrors.notPicklable("malformed pickle: " + c.getName() + " is not a record");
        }
        if (!(RECORDS.get(c) instanceof RecordShape shape)) {
            throw PickleErrors.notPicklable((String) RECORDS.get(c));
        }
        RecordComponent[] rc = shape.components();
        int[] r = rd.refs(id);
        if (rc.length != r.length) {
            throw PickleErrors.notPicklable("record " + c.getName() + " has " + rc.length + " components, the pickle "
                    + r.length + " (the program changed since the pickle was made?)");
        }
        Object[] args = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            Object v = rd.created(r[i]);
            if (v == null ? rc[i].getType().isPrimitive() : !shape.boxed()[i].isInstance(v)) {
                throw PickleErrors.notPicklable("record " + c.getName() + " component " + rc[i].getName() + " of type "
                        + rc[i].getType().getName() + " cannot hold " + (v == null ? "null" : "a " + v.getClass().getName()));
            }
            args[i] = v;
        }
        try {
            return shape.create().newInstance(args);
        } catch (InvocationTargetException e) {
            throw PickleErrors.notPicklable("the constructor of record " + c.getName() + " refused the pickled values: "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw PickleErrors.notPicklable("cannot create record " + c.getName() + ": " + e, e);
        }
    }

    @Override
    public int[] hashChildren(ObjectReader r, int id) {
        return r.refs(id);
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return r.resolve(r.cls(id), false);
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return "record " + r.classNames[r.cls(id)] + " #" + id + " (" + r.refs(id).length + " components)";
    }
}
