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
 * the pickled tasklet itself, serializable lambdas (through their {@link SerializedLambda}), and
 * what the pickler's {@link Extension} encodes (greenlets with their frames).
 * Enums, records, array components other than built-ins and lambdas' capturing classes must be
 * allowed.
 */
public final class ObjectWriter {
    private final Predicate<Class<?>> allowed;
    private final Tasklet self;
    private final int maxObjects;
    private final IdentityHashMap<Object, Integer> ids = new IdentityHashMap<>();
    private final ArrayList<Object> queue = new ArrayList<>();
    private final ArrayList<String> contexts = new ArrayList<>();
    private final Map<String, Integer> classIdx = new HashMap<>();
    private final List<String> classNames = new ArrayList<>();
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
        boolean write(Object o, Out w, String ctx);
    }

    private Extension extension;

    public ObjectWriter(Predicate<Class<?>> allowed, Tasklet self, int maxObjects) {
        this.allowed = allowed;
        this.self = self;
        this.maxObjects = maxObjects;
    }

    /** Sets the encoder of runtime objects (greenlets); see {@link Extension}. */
    public void extension(Extension e) {
        this.extension = e;
    }

    /** The id of {@code o} (0 for null), queued for writing; {@code context} names where it was found. */
    public int ref(Object o, String context) {
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
            return classNames.size() - 1;
        });
    }

    private NotPicklableException refuse(Class<?> c, String ctx, String why) {
        return new NotPicklableException("cannot pickle an object of class " + c.getName() + " (reached from " + ctx
                + "): " + why);
    }

    private void requireAllowed(Class<?> c, Class<?> of, String ctx) {
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
        out.uvar(classNames.size());
        for (String n : classNames) {
            out.str(n);
        }
        out.uvar(queue.size());
        byte[] e = entries.toByteArray();
        out.bytes(e);
    }

    private void entry(Object o, String ctx) {
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
                } else if (c.isHidden() && o instanceof Serializable) {
                    lambda(o, c, ctx);
                } else if (c.isHidden()) {
                    throw refuse(c, ctx, "a lambda or method reference that is not Serializable (its functional "
                            + "interface must extend java.io.Serializable, as TaskletBody does)");
                } else if (allowed.test(c)) {
                    throw refuse(c, ctx, "the class is allowed, but only records, enums, String, boxed primitives, "
                            + "arrays, ArrayList, HashMap, LinkedHashMap, Channel and serializable lambdas pickle; "
                            + "make it a record");
                } else {
                    throw refuse(c, ctx, "class " + c.getName() + " is not allowed; add it with "
                            + "Pickler.builder().allow(" + c.getSimpleName() + ".class) (records and enums)");
                }
            }
        }
    }

    private void record(Object o, Class<?> c, String ctx) {
        requireAllowed(c, c, ctx);
        RecordComponent[] rc = c.getRecordComponents();
        int[] r = new int[rc.length];
        for (int i = 0; i < rc.length; i++) {
            Object v;
            try {
                Method acc = rc[i].getAccessor();
                acc.setAccessible(true);
                v = acc.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new NotPicklableException("cannot read component " + rc[i].getName() + " of record " + c.getName()
                        + " (reached from " + ctx + ")", e);
            }
            r[i] = ref(v, ctx);
        }
        Out w = entries;
        w.u8(Kinds.RECORD);
        w.uvar(cls(c));
        w.uvar(r.length);
        for (int x : r) {
            w.uvar(x);
        }
    }

    private void array(Object o, Class<?> c, String ctx) {
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
                case short[] a -> { for (short v : a) w.svar(v); }
                case char[] a -> { for (char v : a) w.uvar(v); }
                case int[] a -> { for (int v : a) w.svar(v); }
                case long[] a -> { for (long v : a) w.svar(v); }
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

    private void lambda(Object o, Class<?> c, String ctx) {
        SerializedLambda sl;
        try {
            Method m = c.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            sl = (SerializedLambda) m.invoke(o);
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
        requireAllowed(capturing, c, ctx);
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
