package org.jstackless.internal.pickle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Writes an object graph as a flat table: objects get ids (1.., 0 is null) in breadth-first order
 * of discovery, and each entry refers to others by id, so neither writing nor reading recurses,
 * whatever the depth of the graph. Shared references and cycles are preserved.
 *
 * <p>Only these shapes pickle: String and boxed primitives, enums, records, arrays, ArrayList,
 * HashMap, LinkedHashMap, {@link org.jstackless.Channel} (its settings and buffered values; its queue is handled by the pickler),
 * the pickled tasklet itself, serializable lambdas (through their {@link java.lang.invoke.SerializedLambda}),
 * allowed ordinary classes field by field ({@link Fields}), and the runtime's concepts (greenlets,
 * generators with their frames). Each kind is written by its {@link Codec}, found in the
 * {@link Codecs} registry by the object's class; this class only numbers and queues objects.
 * Enums, records, plain classes and array components other than built-ins must be allowed (they
 * are data); a lambda's capturing class is code, checked only against the pickler's code
 * restriction. Map keys must be safe to hash when the map is rebuilt ({@link KeyCheck}).
 */
public final class ObjectWriter {
    private final Codecs codecs;
    /** What the runtime's codecs share during one dump (the pickler's method table); see {@link #context()}. */
    private Object context;
    final Predicate<Class<?>> allowed;
    /** Null if code of this class may be in a pickle, else why not. */
    final java.util.function.Function<Class<?>, String> code;
    final Object self;
    private final int maxObjects;
    private final IdentityHashMap<Object, Integer> ids = new IdentityHashMap<>();
    private final ArrayList<Object> queue = new ArrayList<>();
    /** Where each queued object was found: a String, or an object whose toString says it (made cheaply, read only for errors). */
    private final ArrayList<Object> contexts = new ArrayList<>();
    private final Map<String, Integer> classIdx = new HashMap<>();
    private final List<String> classNames = new ArrayList<>();
    /** Per class index: the plain class's field names (null: not a plain class). */
    private final List<String[]> classFields = new ArrayList<>();
    /** Per id (index id - 1): the ids its hash code is made of, for {@link KeyCheck} (null: none). */
    private final ArrayList<int[]> hashKids = new ArrayList<>();
    /** Per map key checked: the key id and the map's id. */
    private final List<int[]> mapKeys = new ArrayList<>();

    private final Out entries = new Out();

    public ObjectWriter(Predicate<Class<?>> allowed, java.util.function.Function<Class<?>, String> code, Object self,
            int maxObjects) {
        this(Codecs.standard(), allowed, code, self, maxObjects);
    }

    ObjectWriter(Codecs codecs, Predicate<Class<?>> allowed, java.util.function.Function<Class<?>, String> code,
            Object self, int maxObjects) {
        this.codecs = codecs;
        this.allowed = allowed;
        this.code = code;
        this.self = self;
        this.maxObjects = maxObjects;
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
            throw PickleErrors.notPicklable("more than " + maxObjects + " objects are reachable from the tasklet "
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
        codecs.forClass(o.getClass()).write(o, this, ctx);
    }

    // ---------------------------------------------------------------- for codecs

    /** Sets what the codecs share during this dump (see {@link Codec}); null by default. */
    public void context(Object c) {
        this.context = c;
    }

    /** What the codecs share during this dump, set by the pickler. */
    public Object context() {
        return context;
    }

    /** The tasklet being pickled (the only tasklet a pickle may hold). */
    public Object self() {
        return self;
    }

    /** Where the entry being written goes: its tag first, then its body. */
    public Out out() {
        return entries;
    }

    /** The id {@code o} was given (it must have been reached). */
    int id(Object o) {
        return ids.get(o);
    }

    /** The class table index of {@code c}, added on first use. */
    int cls(Class<?> c) {
        return classIdx.computeIfAbsent(c.getName(), n -> {
            classNames.add(n);
            classFields.add(null);
            return classNames.size() - 1;
        });
    }

    /** Records the field names of plain class index {@code ci}, written with the class table. */
    void classFields(int ci, String[] names) {
        classFields.set(ci, names);
    }

    /** Records the ids {@code o}'s hash code is made of, for the map key check. */
    void hashKids(Object o, int[] r) {
        hashKids.set(ids.get(o) - 1, r);
    }

    /** Records that the object with {@code keyId} is a key of map {@code mapId}: checked before the pickle is written. */
    void mapKey(int keyId, int mapId) {
        if (hashed(queue, keyId)) {
            mapKeys.add(new int[] {keyId, mapId});
        }
    }

    public RuntimeException refuse(Class<?> c, Object ctx, String why) {
        return PickleErrors.notPicklable("cannot pickle an object of class " + c.getName() + " (reached from " + ctx
                + "): " + why);
    }

    void requireAllowed(Class<?> c, Class<?> of, Object ctx) {
        if (!allowed.test(c)) {
            throw refuse(of, ctx, "class " + c.getName() + " is not allowed; add it with Pickler.builder().allow("
                    + c.getSimpleName() + ".class)");
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
}
