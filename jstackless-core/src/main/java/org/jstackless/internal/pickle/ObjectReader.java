package org.jstackless.internal.pickle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the table {@link ObjectWriter} wrote, in two steps. {@link #parse} only decodes bytes into
 * flat arrays (bounds-checked, nothing of the program is touched); {@link #materialize} then
 * resolves class names against the allow-list (never loading a class by name) and builds the
 * objects without recursion: leaves and mutable containers are allocated first, then records and
 * lambdas are created and containers filled in dependency order (Kahn's algorithm); a cycle is
 * broken at a mutable container, and a cycle through records alone is refused. What each kind's
 * entry holds and how its object is made is its {@link Codec}'s business ({@link Codecs}).
 *
 * <p>The table, per entry id (1..n; 0 is null): its kind byte, and four slots a codec fills as it
 * needs in {@link Codec#parse} ({@link #entry}): a class index or small int, a long, a payload
 * object (a string, a primitive array, a record of the codec's), and the ids it refers to (those
 * that must exist before {@link Codec#complete} runs; null or empty for a leaf).
 */
public final class ObjectReader {
    private static final Map<String, Class<?>> BUILTIN = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        for (Class<?> c : Kinds.BUILTIN) {
            BUILTIN.put(c.getName(), c);
        }
        for (Class<?> c : Kinds.PRIM_ARRAYS) {
            Class<?> a = c.arrayType();
            BUILTIN.put(a.getName(), a);
        }
    }

    /** Adds a class of the runtime that is always allowed (by {@link Codecs#install}). */
    static void addBuiltin(Class<?> c) {
        BUILTIN.put(c.getName(), c);
    }

    static boolean isBuiltin(Class<?> c) {
        return BUILTIN.get(c.getName()) == c;
    }

    private final Codecs codecs;
    private final Map<String, Class<?>> allowed;
    /** Resolves a lambda's capturing class (code: by name, under the signature, within the code restriction). */
    java.util.function.Function<String, Class<?>> code = name -> {
        throw PickleErrors.notPicklable("the pickle has a lambda of " + name + ", which this reader cannot resolve");
    };
    final int maxObjects;
    String[] classNames;
    /** Per class: the field names of a plain class (null: not one). */
    String[][] classFields;
    private int n;
    private byte[] kind;
    private int[] cls;
    private long[] prim;
    private Object[] payload;
    private int[][] refs;
    private Object[] objects;
    /** The tasklet the pickle is of, while materializing. */
    Object self;
    /** The id of the entry that stands for the tasklet itself (0: none yet); at most one. */
    int selfId;
    /** What the runtime's codecs share during one load (the strands made); see {@link #context()}. */
    private Object context;
    /** The payload's method table (coroutine entries' frames refer to it). */
    Payload.MethodRef[] methods = new Payload.MethodRef[0];
    int maxFrames = 1 << 20;
    /** Frames of entries read so far: all frames of a pickle together are bounded by maxFrames. */
    int framesRead;

    public ObjectReader(Map<String, Class<?>> allowed, int maxObjects) {
        this(Codecs.standard(), allowed, maxObjects);
    }

    ObjectReader(Codecs codecs, Map<String, Class<?>> allowed, int maxObjects) {
        this.codecs = codecs;
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
        for (int id = 1; id <= n; id++) {
            int k = in.u8();
            Codec c = codecs.forTag(k);
            if (c == null) {
                throw In.bad("unknown object kind " + k + " at object " + id);
            }
            kind[id] = (byte) k;
            refs[id] = EMPTY;
            c.parse(in, this, id);
        }
    }

    // ---------------------------------------------------------------- for codecs

    /** Sets entry {@code id}'s slots (see the class comment); {@code refs} null: it refers to nothing. */
    public void entry(int id, int cls, long prim, Object payload, int[] refs) {
        this.cls[id] = cls;
        this.prim[id] = prim;
        this.payload[id] = payload;
        this.refs[id] = refs == null ? EMPTY : refs;
    }

    /** Entry {@code id}'s kind byte (0 for id 0, null). */
    public int kind(int id) {
        return kind[id];
    }

    /** Entry {@code id}'s class index or small int slot. */
    public int cls(int id) {
        return cls[id];
    }

    /** Entry {@code id}'s long slot. */
    public long prim(int id) {
        return prim[id];
    }

    /** Entry {@code id}'s payload slot. */
    public Object payload(int id) {
        return payload[id];
    }

    /** The ids entry {@code id} refers to (never null). */
    public int[] refs(int id) {
        return refs[id];
    }

    /** An object id read from {@code in}, checked to be in the table (0: null). */
    public int readId(In in, String what) {
        return in.index(what, n + 1);
    }

    /** A count of ids, then the ids, read from {@code in}. */
    int[] ids(In in) {
        int m = in.count("element count", maxObjects, 1);
        int[] r = new int[m];
        for (int j = 0; j < m; j++) {
            r[j] = in.index("object id", n + 1);
        }
        return r;
    }

    /** A count of object ids, then the ids, read from {@code in}, each checked to be in the table. */
    public int[] readIds(In in) {
        return ids(in);
    }

    /** The most objects this reader accepts (also bounds what a codec's entry may make, e.g. a buffer). */
    public int maxObjects() {
        return maxObjects;
    }

    /** A frame count read from {@code in}, charged to the pickle's frame limit. */
    public int frameCount(In in) {
        int nf = in.count("frame count", maxFrames - framesRead, 5);
        framesRead += nf;
        return nf;
    }

    /** {@code nf} frame records ({@link #frameCount} first). */
    public Payload.FrameRec[] readFrames(In in, int nf) {
        return Payload.readFrames(in, nf, methods, n + 1);
    }

    /** Sets what the codecs share during this load (see {@link Codec}). */
    public void context(Object c) {
        this.context = c;
    }

    /** What the codecs share during this load, set by the pickler. */
    public Object context() {
        return context;
    }

    /** The tasklet the pickle is of (the runtime's object standing for itself), while {@link #materialize} runs. */
    public Object self() {
        return self;
    }

    /** Records that entry {@code id} stands for the pickled tasklet; false if one already does (at most one). */
    public boolean noteSelf(int id) {
        if (selfId != 0) {
            return false;
        }
        selfId = id;
        return true;
    }

    private Codec codec(int id) {
        return codecs.forTag(kind[id]);
    }

    Class<?> resolve(int idx, boolean builtinOk) {
        String name = classNames[idx];
        Class<?> c = allowed.get(name);
        if (c == null && builtinOk) {
            c = BUILTIN.get(name);
        }
        if (c == null) {
            throw PickleErrors.notPicklable("the pickle refers to class " + name + ", which is not allowed here "
                    + "(Pickler.builder().allow(...))");
        }
        return c;
    }

    private boolean isContainer(int id) {
        return codec(id).container();
    }

    /** The ids whose hash codes make {@code id}'s (what the JDK's hashCode recurses into), or null. */
    private int[] hashChildren(int id) {
        return id == 0 ? null : codec(id).hashChildren(this, id);
    }

    /** Refuses a map key that cannot be hashed again safely ({@link KeyCheck}); before anything is created. */
    public void checkKeys() {
        KeyCheck kc = null;
        for (int id = 1; id <= n; id++) {
            if (isMap(id)) {
                int[] r = refs[id];
                if (kc == null) {
                    kc = new KeyCheck(n, this::hashChildren);
                }
                for (int i = 0; i < r.length; i += 2) {
                    String why = kc.problem(r[i]);
                    if (why != null) {
                        throw PickleErrors.notPicklable("map #" + id + " has a key (object #" + r[i] + ", "
                                + describe(r[i]) + ") that cannot be hashed: " + why);
                    }
                }
            }
        }
    }

    /** Creates every object; {@code self} stands for the pickled tasklet. */
    public void materialize(Object self) {
        this.self = self;
        checkKeys();
        objects = new Object[n + 1];
        boolean[] done = new boolean[n + 1];
        done[0] = true;
        List<Integer> pending = new ArrayList<>();
        // 1. leaves and empty containers
        for (int id = 1; id <= n; id++) {
            Object o = codec(id).create(this, id);
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
                    throw PickleErrors.notPicklable("malformed pickle: a cycle of records or lambdas");
                }
                ready.add(pick);
            }
            int id = ready.poll();
            if (done[id]) {
                continue;
            }
            objects[id] = codec(id).complete(this, id);
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
        return codec(id) instanceof MapCodec;
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

    static final int[] EMPTY = new int[0];

    /**
     * The class the object with this id will have, known before anything is created: null for
     * id 0 (null) and for a lambda (its class exists only once it is created). Resolves class
     * names only through the allow-list.
     */
    public Class<?> classOf(int id) {
        return id == 0 ? null : codec(id).classOf(this, id);
    }

    /** Ids of the entries that hold frames of their own (suspended greenlets and generators), in id order. */
    public List<Integer> framedIds() {
        List<Integer> l = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            if (codec(id).frames(this, id) != null) {
                l.add(id);
            }
        }
        return l;
    }

    /** The frames entry {@code id} holds, outermost first (empty: none). */
    public Payload.FrameRec[] framesOf(int id) {
        Payload.FrameRec[] f = codec(id).frames(this, id);
        return f == null ? new Payload.FrameRec[0] : f;
    }

    /** The object with this id (0: null), after {@link #materialize}. */
    public Object get(int id) {
        return objects[id];
    }

    /** The object with this id (0: null) while {@link #materialize} runs: null if not created yet. */
    public Object created(int id) {
        return objects[id];
    }

    // ---------------------------------------------------------------- inspection (no objects created)

    /** A short description of object {@code id} for the inspector, from the parsed table only. */
    public String describe(int id) {
        return id == 0 ? "null" : codec(id).describe(this, id);
    }

    static String quote(String s) {
        String t = s.length() > 40 ? s.substring(0, 37) + "..." : s;
        return "\"" + t.replace("\n", "\\n") + "\"";
    }
}
