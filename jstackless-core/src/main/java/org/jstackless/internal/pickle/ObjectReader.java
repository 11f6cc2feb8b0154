package org.jstackless.internal.pickle;

import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.Channel;
import org.jstackless.NotPicklableException;
import org.jstackless.Tasklet;

/**
 * Reads the table {@link ObjectWriter} wrote, in two steps. {@link #parse} only decodes bytes into
 * flat arrays (bounds-checked, nothing of the program is touched); {@link #materialize} then
 * resolves class names against the allow-list (never loading a class by name) and builds the
 * objects without recursion: leaves and mutable containers are allocated first, then records and
 * lambdas are created and containers filled in dependency order (Kahn's algorithm); a cycle is
 * broken at a mutable container, and a cycle through records alone is refused.
 */
public final class ObjectReader {
    private static final Map<String, Class<?>> BUILTIN = new HashMap<>();

    static {
        for (Class<?> c : Kinds.BUILTIN) {
            BUILTIN.put(c.getName(), c);
        }
        for (Class<?> c : Kinds.PRIM_ARRAYS) {
            Class<?> a = c.arrayType();
            BUILTIN.put(a.getName(), a);
        }
    }

    static boolean isBuiltin(Class<?> c) {
        return BUILTIN.get(c.getName()) == c;
    }

    private final Map<String, Class<?>> allowed;
    /** Resolves a lambda's capturing class (code: by name, under the signature, within the code restriction). */
    private java.util.function.Function<String, Class<?>> code = name -> {
        throw new NotPicklableException("the pickle has a lambda of " + name + ", which this reader cannot resolve");
    };
    private final int maxObjects;
    private String[] classNames;
    /** Per class: the field names of a plain class (null: not one). */
    private String[][] classFields;
    private int n;
    private byte[] kind;
    private int[] cls;
    private long[] prim;
    private Object[] payload; // String, primitive array, String[] (lambda)
    private int[][] refs;
    private Object[] objects;
    /** The payload's method table (coroutine entries' frames refer to it). */
    Payload.MethodRef[] methods = new Payload.MethodRef[0];
    int maxFrames = 1 << 20;
    /** Frames of coroutine entries read so far: all frames of a pickle together are bounded by maxFrames. */
    int framesRead;
    /** Per coroutine entry: {parent id, mailbox id}; its frames are in {@code payload}. */
    private int[][] coLinks;
    private Factory factory;
    /** Capacities of the buffered channels, by object id. */
    private Map<Integer, Integer> capacities;

    /**
     * Creates the runtime's objects for coroutine entries (set by the pickler, which links their
     * frames, parent and mailbox once every object exists).
     */
    public interface Factory {
        /**
         * The object of a {@link Payload#COROUTINE} entry of {@code concept} in {@code state} (not
         * unstarted): a shell the pickler links later, the loading thread's main greenlet, or a
         * finished generator.
         */
        Object coroutine(int concept, int state);

        /** The yielder of generator {@code gen} made by {@link #coroutine}. */
        Object yielder(Object gen);

        /** The strand body object of the coroutine {@code co} made by {@link #coroutine}. */
        Object coroStrand(Object co);

        /** Refills the buffer of a channel made by this reader. */
        void buffered(Object channel, Object[] values);

        /** An unstarted greenlet or generator with this parent and run function (both already created; checked here). */
        Object unstarted(int concept, Object parent, Object body);
    }

    /** Sets the factory of coroutine objects; without one, a pickle with coroutines is refused. */
    public void factory(Factory f) {
        this.factory = f;
    }

    public ObjectReader(Map<String, Class<?>> allowed, int maxObjects) {
        this.allowed = allowed;
        this.maxObjects = maxObjects;
    }

    /** Sets how lambdas' capturing classes are found (they are code, not allow-listed data). */
    public void code(java.util.function.Function<String, Class<?>> resolver) {
        this.code = resolver;
    }

    /** Number of objects in the table. */
    public int count() {
        return n;
    }

    /** Decodes the class table and the entries. */
    public void parse(In in) {
        int nc = in.count("class count", maxObjects, 2);
        classNames = new String[nc];
        classFields = new String[nc][];
        for (int i = 0; i < nc; i++) {
            classNames[i] = in.str();
            int nf = in.count("field count", 1 << 16, 1);
            if (nf > 0) {
                String[] f = new String[nf - 1];
                for (int j = 0; j < f.length; j++) {
                    f[j] = in.str();
                }
                classFields[i] = f;
            }
        }
        n = in.count("object count", maxObjects, 1);
        kind = new byte[n + 1];
        cls = new int[n + 1];
        prim = new long[n + 1];
        payload = new Object[n + 1];
        refs = new int[n + 1][];
        boolean selfSeen = false;
        for (int id = 1; id <= n; id++) {
            int k = in.u8();
            kind[id] = (byte) k;
            switch (k) {
                case Kinds.STRING -> payload[id] = in.str();
                case Kinds.BOOL -> {
                    int b = in.u8();
                    if (b > 1) {
                        throw In.bad("boolean " + b);
                    }
                    prim[id] = b;
                }
                case Kinds.BYTE, Kinds.SHORT, Kinds.INT, Kinds.LONG -> prim[id] = in.svar();
                case Kinds.CHAR -> prim[id] = in.uvar();
                case Kinds.FLOAT -> prim[id] = in.fixed32();
                case Kinds.DOUBLE -> prim[id] = in.fixed64();
                case Kinds.ENUM -> {
                    cls[id] = in.index("class index", nc);
                    payload[id] = in.str();
                }
                case Kinds.RECORD -> {
                    cls[id] = in.index("class index", nc);
                    refs[id] = ids(in);
                }
                case Kinds.PARRAY -> payload[id] = primArray(in);
                case Kinds.OARRAY -> {
                    cls[id] = in.index("class index", nc);
                    refs[id] = ids(in);
                }
                case Kinds.LIST -> refs[id] = ids(in);
                case Kinds.MAP, Kinds.LMAP -> {
                    int m = in.count("map size", maxObjects, 2);
                    int[] r = new int[m * 2];
                    for (int j = 0; j < r.length; j++) {
                        r[j] = in.index("object id", n + 1);
                    }
                    refs[id] = r;
                }
                case Kinds.CHANNEL -> {
                    prim[id] = in.svar();
                    if (prim[id] < -1 || prim[id] > 1) {
                        throw In.bad("channel preference " + prim[id]);
                    }
                    cls[id] = in.u8();
                    if ((cls[id] & Payload.CHANNEL_BUFFERED) != 0) {
                        // capacity, then the buffered values; the buffer costs memory, so it is bounded too
                        int cap = in.count("channel capacity", maxObjects, 0);
                        refs[id] = ids(in);
                        if (cap == 0 || refs[id].length > cap) {
                            throw In.bad("channel with " + refs[id].length + " buffered values and capacity " + cap);
                        }
                        if (capacities == null) {
                            capacities = new HashMap<>();
                        }
                        capacities.put(id, cap);
                    }
                }
                case Kinds.SELF -> {
                    // The only one-byte entry: at most one, so an object costs at least two bytes of input.
                    if (selfSeen) {
                        throw In.bad("the tasklet itself twice in the object table");
                    }
                    selfSeen = true;
                }
                case Kinds.PLAIN -> {
                    cls[id] = in.index("class index", nc);
                    if (classFields[cls[id]] == null) {
                        throw In.bad("object #" + id + " of class " + classNames[cls[id]] + ", which has no field list");
                    }
                    refs[id] = ids(in);
                    if (refs[id].length != classFields[cls[id]].length) {
                        throw In.bad("object #" + id + " has " + refs[id].length + " fields, its class "
                                + classFields[cls[id]].length);
                    }
                }
                case Kinds.LAMBDA -> {
                    cls[id] = in.index("class index", nc);
                    String[] s = new String[8];
                    for (int j = 0; j < 3; j++) {
                        s[j] = in.str();
                    }
                    long kindRef = in.uvar();
                    if (kindRef < 1 || kindRef > 9) {
                        throw In.bad("method handle kind " + kindRef);
                    }
                    prim[id] = kindRef;
                    for (int j = 3; j < 7; j++) {
                        s[j] = in.str();
                    }
                    payload[id] = s;
                    refs[id] = ids(in);
                }
                case Kinds.COROUTINE -> {
                    int concept = in.u8();
                    if (concept > Payload.CONCEPT_GENERATOR) {
                        throw In.bad("coroutine concept " + concept);
                    }
                    cls[id] = concept;
                    int st = in.u8();
                    if (concept == Payload.CONCEPT_GENERATOR && st == Payload.CO_MAIN) {
                        throw In.bad("a generator in state main");
                    }
                    if (st > Payload.CO_UNSTARTED) {
                        throw In.bad("coroutine state " + st);
                    }
                    prim[id] = st;
                    if (coLinks == null) {
                        coLinks = new int[n + 1][];
                    }
                    coLinks[id] = new int[] {in.index("parent id", n + 1), in.index("mailbox id", n + 1)};
                    int nf = in.count("frame count", maxFrames - framesRead, 5);
                    framesRead += nf;
                    if ((nf > 0) != (st == Payload.CO_SUSPENDED)) {
                        throw In.bad(nf + " frames in coroutine state " + st);
                    }
                    payload[id] = Payload.readFrames(in, nf, methods, n + 1);
                    // An unstarted greenlet is created from its parent and run function: after them.
                    refs[id] = st == Payload.CO_UNSTARTED ? coLinks[id].clone() : EMPTY;
                }
                case Kinds.CORO_STRAND -> refs[id] = new int[] {in.index("coroutine id", n + 1)};
                case Kinds.YIELDER -> refs[id] = new int[] {in.index("generator id", n + 1)};
                default -> throw In.bad("unknown object kind " + k + " at object " + id);
            }
        }
    }

    private int[] ids(In in) {
        int m = in.count("element count", maxObjects, 1);
        int[] r = new int[m];
        for (int j = 0; j < m; j++) {
            r[j] = in.index("object id", n + 1);
        }
        return r;
    }

    private static Object primArray(In in) {
        int t = in.u8();
        if (t >= Kinds.PRIM_ARRAYS.length) {
            throw In.bad("primitive array type " + t);
        }
        // Fixed-width elements: the array takes no more memory than its bytes in the pickle.
        int len = in.count("array length", Integer.MAX_VALUE - 16, new int[] {1, 1, 2, 2, 4, 8, 4, 8}[t]);
        switch (t) {
            case 0 -> {
                boolean[] a = new boolean[len];
                for (int i = 0; i < len; i++) {
                    a[i] = in.u8() != 0;
                }
                return a;
            }
            case 1 -> {
                return in.bytes(len);
            }
            case 2 -> {
                short[] a = new short[len];
                for (int i = 0; i < len; i++) {
                    a[i] = (short) in.fixed16();
                }
                return a;
            }
            case 3 -> {
                char[] a = new char[len];
                for (int i = 0; i < len; i++) {
                    a[i] = (char) in.fixed16();
                }
                return a;
            }
            case 4 -> {
                int[] a = new int[len];
                for (int i = 0; i < len; i++) {
                    a[i] = in.fixed32();
                }
                return a;
            }
            case 5 -> {
                long[] a = new long[len];
                for (int i = 0; i < len; i++) {
                    a[i] = in.fixed64();
                }
                return a;
            }
            case 6 -> {
                float[] a = new float[len];
                for (int i = 0; i < len; i++) {
                    a[i] = Float.intBitsToFloat(in.fixed32());
                }
                return a;
            }
            default -> {
                double[] a = new double[len];
                for (int i = 0; i < len; i++) {
                    a[i] = Double.longBitsToDouble(in.fixed64());
                }
                return a;
            }
        }
    }

    private Class<?> resolve(int idx, boolean builtinOk) {
        String name = classNames[idx];
        Class<?> c = allowed.get(name);
        if (c == null && builtinOk) {
            c = BUILTIN.get(name);
        }
        if (c == null) {
            throw new NotPicklableException("the pickle refers to class " + name + ", which is not allowed here "
                    + "(Pickler.builder().allow(...))");
        }
        return c;
    }

    private boolean isContainer(int id) {
        int k = kind[id];
        return k == Kinds.OARRAY || k == Kinds.LIST || k == Kinds.MAP || k == Kinds.LMAP || k == Kinds.PLAIN
                || k == Kinds.CHANNEL && refs[id] != null; // a buffered channel holds its values
    }

    /** The ids whose hash codes make {@code id}'s (what the JDK's hashCode recurses into), or null. */
    private int[] hashChildren(int id) {
        return switch (kind[id]) {
            case Kinds.LIST, Kinds.MAP, Kinds.LMAP, Kinds.RECORD -> refs[id];
            // An ordinary class that keeps Object.hashCode hashes by identity; one that overrides it may read any field.
            case Kinds.PLAIN -> Fields.identityHash(resolve(cls[id], false)) ? null : refs[id];
            default -> null;
        };
    }

    /** Refuses a map key that cannot be hashed again safely ({@link KeyCheck}); before anything is created. */
    public void checkKeys() {
        KeyCheck kc = null;
        for (int id = 1; id <= n; id++) {
            if (kind[id] == Kinds.MAP || kind[id] == Kinds.LMAP) {
                int[] r = refs[id];
                if (kc == null) {
                    kc = new KeyCheck(n, this::hashChildren);
                }
                for (int i = 0; i < r.length; i += 2) {
                    String why = kc.problem(r[i]);
                    if (why != null) {
                        throw new NotPicklableException("map #" + id + " has a key (object #" + r[i] + ", "
                                + describe(r[i]) + ") that cannot be hashed: " + why);
                    }
                }
            }
        }
    }

    /** Creates every object; {@code self} stands for the pickled tasklet. */
    public void materialize(Tasklet self) {
        checkKeys();
        objects = new Object[n + 1];
        boolean[] done = new boolean[n + 1];
        done[0] = true;
        List<Integer> pending = new ArrayList<>();
        // 1. leaves and empty containers
        for (int id = 1; id <= n; id++) {
            int k = kind[id];
            Object o = switch (k) {
                case Kinds.STRING -> payload[id];
                case Kinds.BOOL -> prim[id] != 0;
                case Kinds.BYTE -> (byte) prim[id];
                case Kinds.SHORT -> (short) prim[id];
                case Kinds.CHAR -> (char) prim[id];
                case Kinds.INT -> (int) prim[id];
                case Kinds.LONG -> prim[id];
                case Kinds.FLOAT -> Float.intBitsToFloat((int) prim[id]);
                case Kinds.DOUBLE -> Double.longBitsToDouble(prim[id]);
                case Kinds.PARRAY -> payload[id];
                case Kinds.ENUM -> enumConstant(id);
                case Kinds.CHANNEL -> {
                    Channel<Object> ch = refs[id] == null ? new Channel<>() : new Channel<>(capacities.get(id));
                    ch.setPreference((int) prim[id]);
                    ch.setScheduleAll((cls[id] & 1) != 0);
                    if ((cls[id] & 2) != 0) {
                        ch.close();
                    }
                    yield ch;
                }
                case Kinds.SELF -> self;
                case Kinds.COROUTINE -> {
                    if (factory == null) {
                        throw new NotPicklableException("the pickle has a greenlet, which this reader cannot create");
                    }
                    yield prim[id] == Payload.CO_UNSTARTED ? null : factory.coroutine(cls[id], (int) prim[id]);
                }
                case Kinds.OARRAY -> Array.newInstance(resolve(cls[id], true), refs[id].length);
                case Kinds.LIST -> new ArrayList<>(refs[id].length);
                case Kinds.MAP -> new HashMap<>(refs[id].length);
                case Kinds.LMAP -> new LinkedHashMap<>(refs[id].length);
                case Kinds.PLAIN -> plainShell(id);
                default -> null; // records and lambdas
            };
            objects[id] = o;
            if (o != null && !isContainer(id)) {
                done[id] = true;
            } else {
                pending.add(id);
            }
        }
        // 2. records, lambdas and container contents in dependency order
        int[] missing = new int[n + 1];
        int[][] dependents = dependents(pending, missing, done);
        // Per item, how many of its records and lambdas (not containers) are not created yet: when 0, it
        // can be picked to break a cycle. Counted down like missing, so every step is linear in the table.
        int[] missingValues = new int[n + 1];
        for (int id : pending) {
            for (int r : refs[id]) {
                if (!done[r] && !isContainer(r)) {
                    missingValues[id]++;
                }
            }
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        // Candidates to break a cycle: maps last, because a key must be complete before it is hashed.
        ArrayDeque<Integer> pickable = new ArrayDeque<>();
        ArrayDeque<Integer> pickableMaps = new ArrayDeque<>();
        for (int id : pending) {
            if (missing[id] == 0) {
                ready.add(id);
            }
            if (missingValues[id] == 0) {
                (isMap(id) ? pickableMaps : pickable).add(id);
            }
        }
        int left = pending.size();
        while (left > 0) {
            if (ready.isEmpty()) {
                // A cycle (through a mutable container): fill a container, or create a record or lambda,
                // whose other records and lambdas exist already; containers exist from step 1.
                int pick = -1;
                while (pick < 0 && !(pickable.isEmpty() && pickableMaps.isEmpty())) {
                    int id = (pickable.isEmpty() ? pickableMaps : pickable).poll();
                    if (!done[id]) {
                        pick = id;
                    }
                }
                if (pick < 0) {
                    throw new NotPicklableException("malformed pickle: a cycle of records or lambdas");
                }
                ready.add(pick);
            }
            int id = ready.poll();
            if (done[id]) {
                continue;
            }
            complete(id);
            done[id] = true;
            left--;
            boolean value = !isContainer(id);
            for (int d : dependents[id]) {
                if (--missing[d] == 0 && !done[d]) {
                    ready.add(d);
                }
                if (value && --missingValues[d] == 0 && !done[d]) {
                    (isMap(d) ? pickableMaps : pickable).add(d);
                }
            }
        }
    }

    private boolean isMap(int id) {
        return kind[id] == Kinds.MAP || kind[id] == Kinds.LMAP;
    }

    private int[][] dependents(List<Integer> pending, int[] missing, boolean[] done) {
        int[] deg = new int[n + 1];
        for (int id : pending) {
            for (int r : refs[id]) {
                if (!done[r]) {
                    deg[r]++;
                    missing[id]++;
                }
            }
        }
        int[][] d = new int[n + 1][];
        int[] fill = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            d[i] = deg[i] == 0 ? EMPTY : new int[deg[i]];
        }
        for (int id : pending) {
            for (int r : refs[id]) {
                if (!done[r]) {
                    d[r][fill[r]++] = id;
                }
            }
        }
        return d;
    }

    private static final int[] EMPTY = new int[0];

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void complete(int id) {
        int[] r = refs[id];
        switch (kind[id]) {
            case Kinds.OARRAY -> {
                Object[] a = (Object[]) objects[id];
                for (int i = 0; i < r.length; i++) {
                    try {
                        a[i] = objects[r[i]];
                    } catch (ArrayStoreException e) {
                        throw new NotPicklableException("malformed pickle: a " + objects[r[i]].getClass().getName()
                                + " in an array of " + a.getClass().getComponentType().getName());
                    }
                }
            }
            case Kinds.LIST -> {
                List l = (List) objects[id];
                for (int x : r) {
                    l.add(objects[x]);
                }
            }
            case Kinds.MAP, Kinds.LMAP -> {
                Map m = (Map) objects[id];
                for (int i = 0; i < r.length; i += 2) {
                    m.put(objects[r[i]], objects[r[i + 1]]);
                }
            }
            case Kinds.CHANNEL -> {
                Object[] vs = new Object[r.length];
                for (int i = 0; i < r.length; i++) {
                    vs[i] = objects[r[i]];
                }
                if (factory == null) {
                    throw new NotPicklableException("the pickle has a buffered channel, which this reader cannot fill");
                }
                factory.buffered(objects[id], vs);
            }
            case Kinds.RECORD -> objects[id] = record(id);
            case Kinds.PLAIN -> fill(id);
            case Kinds.LAMBDA -> objects[id] = lambda(id);
            case Kinds.COROUTINE -> objects[id] = factory.unstarted(cls[id], objects[r[0]], objects[r[1]]);
            case Kinds.YIELDER -> {
                if (kind[r[0]] != Kinds.COROUTINE || cls[r[0]] != Payload.CONCEPT_GENERATOR
                        || prim[r[0]] != Payload.CO_SUSPENDED) {
                    throw new NotPicklableException("malformed pickle: yielder #" + id + " of something that is not a "
                            + "suspended generator");
                }
                objects[id] = factory.yielder(objects[r[0]]);
            }
            case Kinds.CORO_STRAND -> {
                if (kind[r[0]] != Kinds.COROUTINE || prim[r[0]] != Payload.CO_SUSPENDED) {
                    throw new NotPicklableException("malformed pickle: coroutine strand #" + id + " of a "
                            + (kind[r[0]] == Kinds.COROUTINE ? "coroutine that is not suspended" : "non-coroutine"));
                }
                objects[id] = factory.coroStrand(objects[r[0]]);
            }
            default -> throw new IllegalStateException("kind " + kind[id]);
        }
    }

    /** A plain object with no field set and no constructor run; checks the class's fields against the pickle's. */
    private Object plainShell(int id) {
        Class<?> c = resolve(cls[id], false);
        Fields.Shape shape = Fields.of(c);
        String[] want = classFields[cls[id]];
        if (!java.util.Arrays.equals(want, shape.names())) {
            throw new NotPicklableException("class " + c.getName() + " changed since the pickle was made: the pickle has "
                    + "its fields " + java.util.Arrays.toString(want) + ", this program " + java.util.Arrays.toString(shape.names()));
        }
        try {
            return shape.create().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new NotPicklableException("cannot create an object of class " + c.getName() + ": " + e, e);
        }
    }

    private void fill(int id) {
        Object o = objects[id];
        java.lang.reflect.Field[] fs = Fields.of(o.getClass()).fields();
        int[] r = refs[id];
        for (int i = 0; i < fs.length; i++) {
            java.lang.reflect.Field f = fs[i];
            Object v = objects[r[i]];
            Class<?> t = f.getType();
            Class<?> boxed = t.isPrimitive() ? java.lang.invoke.MethodType.methodType(t).wrap().returnType() : t;
            if (v == null ? t.isPrimitive() : !boxed.isInstance(v)) {
                throw new NotPicklableException("field " + f.getDeclaringClass().getName() + "." + f.getName() + " of type "
                        + t.getTypeName() + " cannot hold " + (v == null ? "null" : "a " + v.getClass().getName())
                        + " (object #" + id + ")");
            }
            try {
                f.set(o, v);
            } catch (IllegalAccessException | RuntimeException e) {
                throw new NotPicklableException("cannot set field " + f.getDeclaringClass().getName() + "." + f.getName()
                        + ": " + e, e);
            }
        }
    }

    private Object enumConstant(int id) {
        Class<?> c = resolve(cls[id], false);
        if (!c.isEnum()) {
            throw new NotPicklableException("malformed pickle: " + c.getName() + " is not an enum");
        }
        for (Object e : c.getEnumConstants()) {
            if (((Enum<?>) e).name().equals(payload[id])) {
                return e;
            }
        }
        throw new NotPicklableException("enum " + c.getName() + " has no constant " + payload[id]
                + " (the program changed since the pickle was made?)");
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

    private Object record(int id) {
        Class<?> c = resolve(cls[id], false);
        if (!c.isRecord()) {
            throw new NotPicklableException("malformed pickle: " + c.getName() + " is not a record");
        }
        if (!(RECORDS.get(c) instanceof RecordShape shape)) {
            throw new NotPicklableException((String) RECORDS.get(c));
        }
        RecordComponent[] rc = shape.components();
        int[] r = refs[id];
        if (rc.length != r.length) {
            throw new NotPicklableException("record " + c.getName() + " has " + rc.length + " components, the pickle "
                    + r.length + " (the program changed since the pickle was made?)");
        }
        Object[] args = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            Object v = objects[r[i]];
            if (v == null ? rc[i].getType().isPrimitive() : !shape.boxed()[i].isInstance(v)) {
                throw new NotPicklableException("record " + c.getName() + " component " + rc[i].getName() + " of type "
                        + rc[i].getType().getName() + " cannot hold " + (v == null ? "null" : "a " + v.getClass().getName()));
            }
            args[i] = v;
        }
        try {
            return shape.create().newInstance(args);
        } catch (InvocationTargetException e) {
            throw new NotPicklableException("the constructor of record " + c.getName() + " refused the pickled values: "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new NotPicklableException("cannot create record " + c.getName() + ": " + e, e);
        }
    }

    private Object lambda(int id) {
        Class<?> capturing = code.apply(classNames[cls[id]]);
        String[] s = (String[]) payload[id];
        int[] r = refs[id];
        Object[] captured = new Object[r.length];
        for (int i = 0; i < r.length; i++) {
            captured[i] = objects[r[i]];
        }
        try {
            SerializedLambda sl = new SerializedLambda(capturing, s[0], s[1], s[2], (int) prim[id], s[3], s[4], s[5], s[6],
                    captured);
            Method m = capturing.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            m.setAccessible(true);
            return m.invoke(null, sl);
        } catch (InvocationTargetException e) {
            throw new NotPicklableException("cannot recreate lambda " + s[4] + s[5] + " of " + capturing.getName() + ": "
                    + e.getCause(), e.getCause());
        } catch (NoSuchMethodException e) {
            throw new NotPicklableException("cannot recreate lambda " + s[4] + " of " + capturing.getName()
                    + ": the class has no serializable lambdas", e);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new NotPicklableException("cannot recreate lambda " + s[4] + " of " + capturing.getName() + ": " + e, e);
        }
    }

    /**
     * The class the object with this id will have, known before anything is created: null for
     * id 0 (null) and for a lambda (its class exists only once it is created). Resolves class
     * names only through the allow-list.
     */
    public Class<?> classOf(int id) {
        return switch (kind[id]) {
            case 0 -> null;
            case Kinds.STRING -> String.class;
            case Kinds.BOOL -> Boolean.class;
            case Kinds.BYTE -> Byte.class;
            case Kinds.SHORT -> Short.class;
            case Kinds.CHAR -> Character.class;
            case Kinds.INT -> Integer.class;
            case Kinds.LONG -> Long.class;
            case Kinds.FLOAT -> Float.class;
            case Kinds.DOUBLE -> Double.class;
            case Kinds.ENUM, Kinds.RECORD, Kinds.PLAIN -> resolve(cls[id], false);
            case Kinds.PARRAY -> payload[id].getClass();
            case Kinds.OARRAY -> resolve(cls[id], true).arrayType();
            case Kinds.LIST -> ArrayList.class;
            case Kinds.MAP -> HashMap.class;
            case Kinds.LMAP -> LinkedHashMap.class;
            case Kinds.CHANNEL -> Channel.class;
            case Kinds.SELF -> Tasklet.class;
            case Kinds.COROUTINE -> cls[id] == Payload.CONCEPT_GENERATOR ? org.jstackless.Generator.class
                    : org.jstackless.Greenlet.class;
            case Kinds.YIELDER -> org.jstackless.Yielder.class;
            default -> null; // a lambda, a coroutine strand
        };
    }

    /** Ids of the coroutine entries, in id order. */
    public List<Integer> coroutineIds() {
        List<Integer> l = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            if (kind[id] == Kinds.COROUTINE) {
                l.add(id);
            }
        }
        return l;
    }

    /** A coroutine entry's state ({@link Payload#CO_DEAD}, {@link Payload#CO_SUSPENDED}, {@link Payload#CO_MAIN}). */
    public int coroutineState(int id) {
        return (int) prim[id];
    }

    /** A coroutine entry's parent id (0: the loading thread's main greenlet). */
    public int coroutineParent(int id) {
        return coLinks[id][0];
    }

    /** A coroutine entry's mailbox id (what its pending switch returns; usually 0). */
    public int coroutineMailbox(int id) {
        return coLinks[id][1];
    }

    /** A coroutine entry's frames, outermost first. */
    public Payload.FrameRec[] coroutineFrames(int id) {
        return (Payload.FrameRec[]) payload[id];
    }

    /** The object with this id (0: null), after {@link #materialize}. */
    public Object get(int id) {
        return objects[id];
    }

    // ---------------------------------------------------------------- inspection (no objects created)

    /** A short description of object {@code id} for the inspector, from the parsed table only. */
    public String describe(int id) {
        if (id == 0) {
            return "null";
        }
        int k = kind[id];
        return switch (k) {
            case Kinds.STRING -> "String " + quote((String) payload[id]);
            case Kinds.BOOL -> "boolean " + (prim[id] != 0);
            case Kinds.BYTE, Kinds.SHORT, Kinds.INT, Kinds.LONG -> Kinds.NAMES[k] + " " + prim[id];
            case Kinds.CHAR -> "Character '" + (char) prim[id] + "'";
            case Kinds.FLOAT -> "Float " + Float.intBitsToFloat((int) prim[id]);
            case Kinds.DOUBLE -> "Double " + Double.longBitsToDouble(prim[id]);
            case Kinds.ENUM -> classNames[cls[id]] + "." + payload[id];
            case Kinds.RECORD -> "record " + classNames[cls[id]] + " #" + id + " (" + refs[id].length + " components)";
            case Kinds.PLAIN -> classNames[cls[id]] + " #" + id + " (" + refs[id].length + " fields)";
            case Kinds.PARRAY -> {
                Object a = payload[id];
                yield a.getClass().getComponentType().getName() + "[" + Array.getLength(a) + "] #" + id;
            }
            case Kinds.OARRAY -> classNames[cls[id]] + "[" + refs[id].length + "] #" + id;
            case Kinds.LIST -> "ArrayList #" + id + " size " + refs[id].length;
            case Kinds.MAP, Kinds.LMAP -> Kinds.NAMES[k] + " #" + id + " size " + refs[id].length / 2;
            case Kinds.CHANNEL -> "Channel #" + id + " preference " + prim[id];
            case Kinds.SELF -> "the tasklet itself";
            case Kinds.YIELDER -> "yielder of generator #" + refs[id][0];
            case Kinds.COROUTINE -> (cls[id] == Payload.CONCEPT_GENERATOR ? "generator #" : "greenlet #") + id
                    + switch ((int) prim[id]) {
                case Payload.CO_MAIN -> " (the main greenlet)";
                case Payload.CO_DEAD -> cls[id] == Payload.CONCEPT_GENERATOR ? " (finished)" : " (dead)";
                // The run function by id only: describing it could describe this greenlet again (a forged cycle).
                case Payload.CO_UNSTARTED -> " (not started, parent #" + coLinks[id][0] + ", run #" + coLinks[id][1] + ")";
                default -> " (suspended, " + ((Payload.FrameRec[]) payload[id]).length + " frames"
                        + (cls[id] == Payload.CONCEPT_GENERATOR ? ")"
                        : ", parent " + (coLinks[id][0] == 0 ? "main" : "#" + coLinks[id][0]) + ")");
            };
            case Kinds.CORO_STRAND -> "strand body of coroutine #" + refs[id][0];
            case Kinds.LAMBDA -> "lambda " + ((String[]) payload[id])[3].replace('/', '.') + "::"
                    + ((String[]) payload[id])[4] + " #" + id;
            default -> "?";
        };
    }

    private static String quote(String s) {
        String t = s.length() > 40 ? s.substring(0, 37) + "..." : s;
        return "\"" + t.replace("\n", "\\n") + "\"";
    }
}
