package org.jstackless.internal.pickle;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jstackless.Channel;
import org.jstackless.NotPicklableException;
import org.jstackless.Tasklet;

/**
 * Writes an object graph as a flat table: objects get ids (1.., 0 is null) in breadth-first order
 * of discovery, and each entry refers to others by id, so neither writing nor reading recurses,
 * whatever the depth of the graph. Shared references and cycles are preserved.
 *
 * <p>Only these shapes pickle: String and boxed primitives, enums, records, arrays, ArrayList,
 * HashMap, LinkedHashMap, {@link Channel} (its settings; its queue is handled by the pickler),
 * the pickled tasklet itself, serializable lambdas (through their {@link SerializedLambda}),
 * allowed ordinary classes field by field ({@link Fields}), and what the pickler's
 * {@link Extension} encodes (greenlets with their frames).
 * Enums, records, plain classes and array components other than built-ins must be allowed (they
 * are data); a lambda's capturing class is code, checked only against the pickler's code
 * restriction. Map keys must be safe to hash when the map is rebuilt ({@link KeyCheck}).
 */
public final class ObjectWriter {
    private final Predicate<Class<?>> allowed;
    /** Null if code of this class may be in a pickle, else why not. */
    private final java.util.function.Function<Class<?>, String> code;
    private final Tasklet self;
    private final int maxObjects;
    private final IdentityHashMap<Object, Integer> ids = new IdentityHashMap<>();
    private final ArrayList<Object> queue = new ArrayList<>();
    /** Where each queued object was found: a String, or a {@link FieldCtx} (made cheaply, read only for errors). */
    private final ArrayList<Object> contexts = new ArrayList<>();
    private final Map<String, Integer> classIdx = new HashMap<>();
    private final List<String> classNames = new ArrayList<>();
    /** Per class index: the plain class's field names (null: not a plain class). */
    private final List<String[]> classFields = new ArrayList<>();
    /** Per id (index id - 1): the ids its hash code is made of, for {@link KeyCheck} (null: none). */
    private final ArrayList<int[]> hashKids = new ArrayList<>();
    /** Per map key checked: the key id and the map's id. */
    private final List<int[]> mapKeys = new ArrayList<>();

    /** "field C.f (declared type T) of an object reached from ..." */
    private record FieldCtx(java.lang.reflect.Field f, Object parent) {
        @Override
        public String toString() {
            return "field " + f.getDeclaringClass().getName() + "." + f.getName() + " of type " + f.getType().getTypeName()
                    + ", in an object reached from " + parent;
        }
    }
    private final Out entries = new Out();

    /**
     * Objects of the runtime itself that the pickler encodes (coroutine concepts: a greenlet with
     * its soft frames, and its strand body). Kept out of this class because they need the
     * runtime's package-private state.
     */
    public interface Extension {
        /**
         * Writes {@code o} as a {@link Payload#COROUTINE} or {@link Payload#CORO_STRAND} entry
         * (kind byte first) and returns true, or returns false if {@code o} is not such an object.
         */
        boolean write(Object o, Out w, Object ctx);
    }

    private Extension extension;

    public ObjectWriter(Predicate<Class<?>> allowed, java.util.function.Function<Class<?>, String> code, Tasklet self,
            int maxObjects) {
        this.allowed = allowed;
        this.code = code;
        this.self = self;
        this.maxObjects = maxObjects;
    }

    /** Sets the encoder of runtime objects (greenlets); see {@link Extension}. */
    public void extension(Extension e) {
        this.extension = e;
    }

    /** The id of {@code o} (0 for null), queued for writing; {@code context} names where it was found. */
    public int ref(Object o, Object context) {
        if (o == null) {
            return 0;
        }
        Integer id = ids.get(o);
        if (id != null) {
            return id;
        }
        if (queue.size() >= maxObjects) {
            throw new NotPicklableException("more than " + maxObjects + " objects are reachable from the tasklet "
                    + "(limit set by Pickler.Builder.maxObjects)");
        }
        queue.add(o);
        contexts.add(context);
        hashKids.add(null);
        ids.put(o, queue.size());
        return queue.size();
    }

    /** Number of objects queued so far. */
    public int count() {
        return queue.size();
    }

    private int cls(Class<?> c) {
        return classIdx.computeIfAbsent(c.getName(), n -> {
            classNames.add(n);
            classFields.add(null);
            return classNames.size() - 1;
        });
    }

    private NotPicklableException refuse(Class<?> c, Object ctx, String why) {
        return new NotPicklableException("cannot pickle an object of class " + c.getName() + " (reached from " + ctx
                + "): " + why);
    }

    private void requireAllowed(Class<?> c, Class<?> of, Object ctx) {
        if (!allowed.test(c)) {
            throw refuse(of, ctx, "class " + c.getName() + " is not allowed; add it with Pickler.builder().allow("
                    + c.getSimpleName() + ".class)");
        }
    }

    private int drained;

    /** Encodes every queued object and everything it reaches. */
    public void drain() {
        for (; drained < queue.size(); drained++) {
            entry(queue.get(drained), contexts.get(drained));
        }
    }

    /** The id of {@code o} if it was reached, else 0. */
    public int idIfReached(Object o) {
        Integer id = o == null ? null : ids.get(o);
        return id == null ? 0 : id;
    }

    /** Writes every queued object (and what it reaches): the class table, then the entries. */
    public void writeTo(Out out) {
        drain();
        checkKeys();
        out.uvar(classNames.size());
        for (int i = 0; i < classNames.size(); i++) {
            out.str(classNames.get(i));
            String[] fields = classFields.get(i);
            if (fields == null) {
                out.uvar(0);
            } else {
                out.uvar(fields.length + 1);
                for (String f : fields) {
                    out.str(f);
                }
            }
        }
        out.uvar(queue.size());
        byte[] e = entries.toByteArray();
        out.bytes(e);
    }

    private void checkKeys() {
        if (mapKeys.isEmpty()) {
            return;
        }
        KeyCheck kc = new KeyCheck(queue.size(), id -> hashKids.get(id - 1));
        for (int[] km : mapKeys) {
            String why = kc.problem(km[0]);
            if (why != null) {
                Object map = queue.get(km[1] - 1);
                throw refuse(map.getClass(), contexts.get(km[1] - 1), "one of its keys, a "
                        + queue.get(km[0] - 1).getClass().getName() + ", cannot be hashed again when the map is loaded: "
                        + why);
            }
        }
    }

    private void entry(Object o, Object ctx) {
        Out w = entries;
        Class<?> c = o.getClass();
        if (extension != null && extension.write(o, w, ctx)) {
            return;
        }
        switch (o) {
            case String s -> {
                w.u8(Kinds.STRING);
                w.str(s);
            }
            case Boolean b -> {
                w.u8(Kinds.BOOL);
                w.u8(b ? 1 : 0);
            }
            case Byte b -> {
                w.u8(Kinds.BYTE);
                w.svar(b);
            }
            case Short b -> {
                w.u8(Kinds.SHORT);
                w.svar(b);
            }
            case Character b -> {
                w.u8(Kinds.CHAR);
                w.uvar(b);
            }
            case Integer b -> {
                w.u8(Kinds.INT);
                w.svar(b);
            }
            case Long b -> {
                w.u8(Kinds.LONG);
                w.svar(b);
            }
            case Float b -> {
                w.u8(Kinds.FLOAT);
                w.fixed32(Float.floatToRawIntBits(b));
            }
            case Double b -> {
                w.u8(Kinds.DOUBLE);
                w.fixed64(Double.doubleToRawLongBits(b));
            }
            case Enum<?> e -> {
                Class<?> ec = e.getDeclaringClass();
                requireAllowed(ec, c, ctx);
                w.u8(Kinds.ENUM);
                w.uvar(cls(ec));
                w.str(e.name());
            }
            case Channel<?> ch -> {
                w.u8(Kinds.CHANNEL);
                w.svar(ch.preference());
                w.u8((ch.scheduleAll() ? 1 : 0) | (ch.isClosing() ? 2 : 0));
            }
            case Tasklet t -> {
                if (t != self) {
                    throw refuse(c, ctx, "only the pickled tasklet itself may be referenced, not " + t);
                }
                w.u8(Kinds.SELF);
            }
            default -> {
                if (c.isRecord()) {
                    record(o, c, ctx);
                } else if (c.isArray()) {
                    array(o, c, ctx);
                } else if (c == ArrayList.class) {
                    List<?> l = (List<?>) o;
                    w.u8(Kinds.LIST);
                    int n = l.size();
                    int[] r = new int[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = ref(l.get(i), ctx);
                    }
                    w.uvar(n);
                    for (int x : r) {
                        w.uvar(x);
                    }
                    hashKids.set(ids.get(o) - 1, r);
                } else if (c == HashMap.class || c == LinkedHashMap.class) {
                    Map<?, ?> m = (Map<?, ?>) o;
                    int[] r = new int[m.size() * 2];
                    int i = 0;
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        r[i++] = ref(e.getKey(), ctx);
                        r[i++] = ref(e.getValue(), ctx);
                    }
                    w.u8(c == HashMap.class ? Kinds.MAP : Kinds.LMAP);
                    w.uvar(i / 2);
                    for (int j = 0; j < i; j++) {
                        w.uvar(r[j]);
                    }
                    int me = ids.get(o);
                    hashKids.set(me - 1, r);
                    for (int j = 0; j < i; j += 2) {
                        if (hashed(queue, r[j])) {
                            mapKeys.add(new int[] {r[j], me});
                        }
                    }
                } else if (c.isHidden() && o instanceof Serializable) {
                    lambda(o, c, ctx);
                } else if (c.isHidden()) {
                    throw refuse(c, ctx, "a lambda or method reference that is not Serializable (its functional "
                            + "interface must extend java.io.Serializable, as TaskletBody does)");
                } else if (allowed.test(c)) {
                    plain(o, c, ctx);
                } else {
                    throw refuse(c, ctx, "class " + c.getName() + " is not allowed; add it with "
                            + "Pickler.builder().allow(" + c.getSimpleName() + ".class)");
                }
            }
        }
    }

    /** Keys whose hash codes recurse (containers, records, plain objects) are checked; others hash flatly. */
    private static boolean hashed(List<Object> queue, int id) {
        if (id == 0) {
            return false;
        }
        Object k = queue.get(id - 1);
        Class<?> c = k.getClass();
        return c == ArrayList.class || c == HashMap.class || c == LinkedHashMap.class || c.isRecord()
                || !(c.isArray() || k instanceof String || k instanceof Number || k instanceof Enum<?>
                        || k instanceof Boolean || k instanceof Character);
    }

    /** An allowed ordinary class: its fields' values, in {@link Fields} order. */
    private void plain(Object o, Class<?> c, Object ctx) {
        Fields.Shape shape;
        try {
            shape = Fields.of(c);
        } catch (NotPicklableException e) {
            throw refuse(c, ctx, e.getMessage());
        }
        java.lang.reflect.Field[] fs = shape.fields();
        int[] r = new int[fs.length];
        for (int i = 0; i < fs.length; i++) {
            Object v;
            try {
                v = fs[i].get(o);
            } catch (IllegalAccessException | RuntimeException e) {
                throw refuse(c, ctx, "cannot read field " + fs[i].getName() + ": " + e);
            }
            r[i] = ref(v, new FieldCtx(fs[i], ctx));
        }
        int ci = cls(c);
        classFields.set(ci, shape.names());
        Out w = entries;
        w.u8(Kinds.PLAIN);
        w.uvar(ci);
        w.uvar(r.length);
        for (int x : r) {
            w.uvar(x);
        }
        if (!Fields.identityHash(c)) {
            hashKids.set(ids.get(o) - 1, r);
        }
    }

    private void record(Object o, Class<?> c, Object ctx) {
        requireAllowed(c, c, ctx);
        RecordComponent[] rc = c.getRecordComponents();
        int[] r = new int[rc.length];
        for (int i = 0; i < rc.length; i++) {
            Object v;
            try {
                Method acc = rc[i].getAccessor();
                if (!acc.canAccess(o)) {
                    acc.setAccessible(true);
                }
                v = acc.invoke(o);
            } catch (java.lang.reflect.InaccessibleObjectException e) {
                throw new NotPicklableException("cannot read component " + rc[i].getName() + " of record " + c.getName()
                        + " (reached from " + ctx + "): " + Fields.opensHint(c), e);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new NotPicklableException("cannot read component " + rc[i].getName() + " of record " + c.getName()
                        + " (reached from " + ctx + "): " + e, e);
            }
            r[i] = ref(v, new RecordCtx(rc[i], ctx));
        }
        hashKids.set(ids.get(o) - 1, r);
        Out w = entries;
        w.u8(Kinds.RECORD);
        w.uvar(cls(c));
        w.uvar(r.length);
        for (int x : r) {
            w.uvar(x);
        }
    }

    /** "component C.x of type T, in an object reached from ..." */
    private record RecordCtx(RecordComponent rc, Object parent) {
        @Override
        public String toString() {
            return "component " + rc.getDeclaringRecord().getName() + "." + rc.getName() + " of type "
                    + rc.getType().getTypeName() + ", in an object reached from " + parent;
        }
    }

    private void array(Object o, Class<?> c, Object ctx) {
        Class<?> comp = c.getComponentType();
        Out w = entries;
        int n = Array.getLength(o);
        if (comp.isPrimitive()) {
            int t = java.util.Arrays.asList(Kinds.PRIM_ARRAYS).indexOf(comp);
            w.u8(Kinds.PARRAY);
            w.u8(t);
            w.uvar(n);
            switch (o) {
                case boolean[] a -> { for (boolean v : a) w.u8(v ? 1 : 0); }
                case byte[] a -> w.bytes(a);
                // Fixed width, so a reader's array never takes more memory than its bytes in the pickle.
                case short[] a -> { for (short v : a) w.fixed16(v); }
                case char[] a -> { for (char v : a) w.fixed16(v); }
                case int[] a -> { for (int v : a) w.fixed32(v); }
                case long[] a -> { for (long v : a) w.fixed64(v); }
                case float[] a -> { for (float v : a) w.fixed32(Float.floatToRawIntBits(v)); }
                case double[] a -> { for (double v : a) w.fixed64(Double.doubleToRawLongBits(v)); }
                default -> throw new IllegalStateException();
            }
            return;
        }
        if (!ObjectReader.isBuiltin(comp)) {
            requireAllowed(comp, c, ctx);
        }
        Object[] a = (Object[]) o;
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = ref(a[i], ctx);
        }
        w.u8(Kinds.OARRAY);
        w.uvar(cls(comp));
        w.uvar(n);
        for (int x : r) {
            w.uvar(x);
        }
    }

    private void lambda(Object o, Class<?> c, Object ctx) {
        SerializedLambda sl;
        try {
            Method m = c.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            sl = (SerializedLambda) m.invoke(o);
        } catch (java.lang.reflect.InaccessibleObjectException e) {
            throw refuse(c, ctx, "cannot read the lambda's SerializedLambda: " + Fields.opensHint(c));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw refuse(c, ctx, "cannot read the lambda's SerializedLambda: " + e);
        }
        String cap = sl.getCapturingClass().replace('/', '.');
        Class<?> capturing;
        try {
            capturing = Class.forName(cap, false, c.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw refuse(c, ctx, "its capturing class " + cap + " cannot be found");
        }
        String notCode = code.apply(capturing);
        if (notCode != null) {
            throw refuse(c, ctx, notCode);
        }
        int n = sl.getCapturedArgCount();
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = ref(sl.getCapturedArg(i), ctx);
        }
        Out w = entries;
        w.u8(Kinds.LAMBDA);
        w.uvar(cls(capturing));
        w.str(sl.getFunctionalInterfaceClass());
        w.str(sl.getFunctionalInterfaceMethodName());
        w.str(sl.getFunctionalInterfaceMethodSignature());
        w.uvar(sl.getImplMethodKind());
        w.str(sl.getImplClass());
        w.str(sl.getImplMethodName());
        w.str(sl.getImplMethodSignature());
        w.str(sl.getInstantiatedMethodType());
        w.uvar(n);
        for (int x : r) {
            w.uvar(x);
        }
    }
}
