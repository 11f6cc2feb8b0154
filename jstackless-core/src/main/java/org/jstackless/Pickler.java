package org.jstackless;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jstackless.internal.pickle.Codecs;
import org.jstackless.internal.pickle.Envelope;
import org.jstackless.internal.pickle.Fingerprints;
import org.jstackless.internal.pickle.ObjectReader;
import org.jstackless.internal.pickle.ObjectWriter;
import org.jstackless.internal.pickle.Out;
import org.jstackless.internal.pickle.Payload;
import org.jstackless.internal.pickle.PickleErrors;
import org.jstackless.internal.soft.Frame;
import org.jstackless.internal.soft.MethodInfo;
import org.jstackless.internal.soft.runtime.SoftRuntime;
import org.jstackless.internal.soft.runtime.SoftStrand;
import org.jstackless.internal.switching.Strand;

/**
 * Pickles a suspended soft tasklet (its frames, and the objects and channels they reach) to bytes,
 * and loads such bytes back, in this JVM or another one running the same program (Stackless's
 * {@code pickle.dumps(t)} / {@code pickle.loads(s)}, spec §8).
 *
 * <pre>
 *   Pickler p = Pickler.builder().allow(MyRecord.class, MyState.class).signingKey(key).build();
 *   byte[] b = p.dumps(t);          // t: suspended (scheduled, paused or blocked), not current
 *   Tasklet u = p.loads(b);         // paused: u.insert(); or blocked on a channel pickled with it
 * </pre>
 *
 * <p>What pickles: the tasklet's woven frames (each: method, call site, receiver, live values),
 * its tempval, and everything they reach that is a String, a boxed primitive, an allowed enum or
 * record, an array, an ArrayList, HashMap or LinkedHashMap, a {@link Channel} (its settings and buffered values; if
 * the tasklet is blocked on it, it comes back blocked on the copy), the tasklet itself, a
 * serializable lambda whose capturing class is allowed, or a {@link Greenlet} (suspended soft ones
 * with their own frames, parent and mailbox; unstarted ones with their run function; dead ones; they
 * come back in the loading thread's greenlet group, and the main greenlet stands for the loading
 * thread's), or a {@link Generator} (suspended in a yield on a soft strand, with its frames; not
 * started, with its body; or finished), or an object of an allowed ordinary class (field by
 * field; loaded without running a constructor). Only data classes are allowed: code (the frames'
 * methods, lambdas) is identified by method and the weaver's fingerprint under the signature, and
 * may be limited with {@link Builder#restrictCode}. Everything else is refused with a
 * {@link NotPicklableException} naming the class, the field and the frame it was reached from.
 * {@link #dumps(Tasklet, Map)} adds named roots, which {@link #loadsWithRoots} gives back.
 *
 * <p>Loading first checks the envelope (magic, format version, length, HMAC-SHA256 signature,
 * program fingerprint) and the tasklet's sequence number against the {@link SequenceRecord}
 * (a replayed or older pickle of the same tasklet is a {@link ReplayedPickleException}), before
 * any class is looked at or object created; then the weaver's
 * fingerprint of every method the frames belong to (original code, frame format and slot layouts:
 * the same whether the class was woven at build time or by the agent; {@link PickleVersionException}
 * names those that changed); then every frame's slots against this program's slot layout of its
 * call site (a pickle forged with the right key but the wrong slot kinds or classes is refused
 * here, naming the frame and the slot); then decodes, resolving class names only through the
 * allow-list. A failure at any step throws and leaves nothing behind. Sizes are bounded ({@link Builder#maxBytes},
 * {@link Builder#maxObjects}, {@link Builder#maxFrames}), and every length in the pickle is
 * checked against the bytes left before anything is allocated.
 *
 * <p>Loading and dumping must happen on a thread that runs Stackless (the loaded tasklet belongs
 * to the calling thread's scheduler). A Pickler is immutable and thread-safe.
 */
public final class Pickler {
    /**
     * A tasklet's pickle lineage: its stable identity and the last sequence number a pickle of it
     * got. Made when a tasklet is first pickled; a loaded tasklet gets the lineage of its pickle,
     * so its next pickle continues the sequence (in this JVM or after a restart). Weak keys: the
     * entry goes with the tasklet (Tasklet keeps identity equality).
     */
    private record Lineage(long hi, long lo, AtomicLong sequence) {
    }

    static {
        // The runtime's pickled kinds, ahead of the built-in data kinds (see Codecs); the sync
        // primitives contribute theirs when their package initialises, made to happen first.
        try {
            Class.forName(org.jstackless.sync.Semaphore.class.getName(), true,
                    org.jstackless.sync.Semaphore.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
        PickleErrors.install(new PickleExceptions()); // the pickle layer raises the public exceptions through it
        Codecs.install(List.of(new TaskletSelfCodec(), new CoroStrandCodec(), new YielderCodec(), new CoroutineCodec(),
                new ChannelCodec(), new SelectCodec()), List.of(Channel.class));
    }

    private static final Map<Tasklet, Lineage> LINEAGES = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    /** Re-entry infos made for loaded frames, per class and method. */
    private static final ClassValue<Map<String, MethodInfo>> INFOS = new ClassValue<>() {
        @Override
        protected Map<String, MethodInfo> computeValue(Class<?> c) {
            return new ConcurrentHashMap<>();
        }
    };

    private final Map<String, Class<?>> allowed;
    /** Packages and classes the code of frames and lambdas must come from; null: any woven code. */
    private final List<String> code;
    /** Where code named in a pickle is looked for, in order. */
    private final List<ClassLoader> loaders;
    /** Null: replays accepted. */
    private final SequenceRecord record;
    private final byte[] key;
    private final int maxBytes;
    private final int maxObjects;
    private final int maxFrames;
    private final long program;

    private Pickler(Builder b) {
        this.allowed = Map.copyOf(b.allowed);
        this.code = b.code == null ? null : List.copyOf(b.code);
        java.util.LinkedHashSet<ClassLoader> ls = new java.util.LinkedHashSet<>();
        if (b.loader != null) {
            ls.add(b.loader);
        } else {
            // The modules given access, the data classes' loaders (code usually lives with its data), the context.
            ls.addAll(b.accessLoaders);
            for (Class<?> c : b.allowed.values()) {
                if (c.getClassLoader() != null) {
                    ls.add(c.getClassLoader());
                }
            }
            if (Thread.currentThread().getContextClassLoader() != null) {
                ls.add(Thread.currentThread().getContextClassLoader());
            }
            if (Pickler.class.getClassLoader() != null) {
                ls.add(Pickler.class.getClassLoader());
            }
        }
        this.loaders = List.copyOf(ls);
        this.record = b.replays ? null : b.record != null ? b.record : SequenceRecord.inMemory();
        this.key = b.key.clone();
        this.maxBytes = b.maxBytes;
        this.maxObjects = b.maxObjects;
        this.maxFrames = b.maxFrames;
        this.program = Envelope.programFingerprint(b.programId);
    }

    /** A builder: {@link Builder#signingKey} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link Pickler}. */
    public static final class Builder {
        private final Map<String, Class<?>> allowed = new HashMap<>();
        private List<String> code;
        private ClassLoader loader;
        private final List<ClassLoader> accessLoaders = new ArrayList<>();
        private SequenceRecord record;
        private boolean replays;
        private byte[] key;
        private int maxBytes = 64 << 20;
        private int maxObjects = 1 << 20;
        private int maxFrames = 1 << 20;
        private String programId = "";

        private Builder() {
        }

        /**
         * Classes whose objects may appear in a pickle (data): records, enums, array components,
         * and ordinary classes, which pickle field by field and load without running a
         * constructor. String, boxed primitives, ArrayList, HashMap, LinkedHashMap and Channel
         * are always allowed. Code needs no allowing: a frame is identified by its method and the
         * weaver's fingerprint, and a lambda by its capturing class, under the signature (see
         * {@link #restrictCode} to limit where code may come from).
         */
        public Builder allow(Class<?>... classes) {
            for (Class<?> c : classes) {
                Class<?> old = allowed.putIfAbsent(c.getName(), c);
                if (old != null && old != c) {
                    throw new IllegalArgumentException("two classes named " + c.getName() + " (different loaders)");
                }
            }
            return this;
        }

        /**
         * The HMAC-SHA256 key pickles are signed and checked with: at least 16 bytes, not all
         * equal (a key of one repeated byte is refused as obviously weak). Use random bytes
         * (e.g. 32 from {@code SecureRandom}) kept out of the source.
         */
        public Builder signingKey(byte[] key) {
            if (key == null || key.length < 16) {
                throw new IllegalArgumentException("the signing key must have at least 16 bytes");
            }
            boolean same = true;
            for (byte b : key) {
                same &= b == key[0];
            }
            if (same) {
                throw new IllegalArgumentException("the signing key is weak: all its " + key.length + " bytes are equal; "
                        + "use random bytes, e.g. 32 from SecureRandom");
            }
            this.key = key.clone();
            return this;
        }

        /**
         * Limits the code a pickle may hold, when dumping and loading: the methods of frames and
         * lambdas must belong to one of these packages (exactly that package, e.g. {@code "app"})
         * or classes (with their nested classes, e.g. {@code "app.Checkpoint"}). The runtime's
         * own greenlet and generator frames are always accepted. Without it, any woven method of
         * the program may be in a pickle; an unwoven one never is.
         */
        public Builder restrictCode(String... packagesOrClasses) {
            List<String> l = new ArrayList<>(code == null ? List.of() : code);
            for (String x : packagesOrClasses) {
                if (x == null || x.isBlank()) {
                    throw new IllegalArgumentException("restrictCode needs package or class names");
                }
                l.add(x);
            }
            code = l;
            return this;
        }

        /**
         * The class loader code named in a pickle is loaded from (without initialising it) when
         * it is not an allowed class. Default: the loaders of the classes given to {@link #access}
         * and {@link #allow}, then the context class loader of the thread calling {@link #build}.
         */
        public Builder classLoader(ClassLoader loader) {
            this.loader = Objects.requireNonNull(loader);
            return this;
        }

        /**
         * Where the Pickler records the newest pickle loaded of each tasklet, to refuse a replayed
         * or older one with {@link ReplayedPickleException} (default: {@link SequenceRecord#inMemory()},
         * one per Pickler). A durable record makes the check survive restarts.
         */
        public Builder sequenceRecord(SequenceRecord record) {
            this.record = Objects.requireNonNull(record);
            this.replays = false;
            return this;
        }

        /** Turns the replay check off: the same pickle, or an older one, may be loaded any number of times. */
        public Builder acceptReplays() {
            this.replays = true;
            return this;
        }

        /**
         * Gives the pickler access to the classes of the module of {@code lookup}'s class, as an
         * {@code opens <package> to org.jstackless.core} line for every package of that module
         * would: pass {@code MethodHandles.lookup()} from a class of a named module whose records,
         * plain classes, lambdas and frames are pickled. Nothing to do on the class path.
         */
        public Builder access(MethodHandles.Lookup lookup) {
            if (!lookup.hasFullPrivilegeAccess()) {
                throw new IllegalArgumentException("access needs a full-privilege lookup: MethodHandles.lookup()");
            }
            Module m = lookup.lookupClass().getModule();
            Module core = Pickler.class.getModule();
            if (lookup.lookupClass().getClassLoader() != null) {
                accessLoaders.add(lookup.lookupClass().getClassLoader());
            }
            if (!m.isNamed() || !core.isNamed()) {
                return this;
            }
            core.addReads(m);
            try {
                // Module.addOpens is caller-sensitive: through the user's lookup, the caller is the user's module.
                java.lang.invoke.MethodHandle open = lookup.findVirtual(Module.class, "addOpens",
                        java.lang.invoke.MethodType.methodType(Module.class, String.class, Module.class));
                for (String pkg : m.getPackages()) {
                    if (!m.isOpen(pkg, core)) {
                        Module unused = (Module) open.invoke(m, pkg, core);
                    }
                }
            } catch (Throwable e) {
                throw new IllegalStateException("cannot open the packages of " + m.getName() + " to org.jstackless.core: "
                        + e, e);
            }
            return this;
        }

        /** Largest pickle {@link #load} reads and {@link #dumps} writes (default 64 MiB). */
        public Builder maxBytes(int n) {
            maxBytes = positive(n);
            return this;
        }

        /** Most objects a pickle may hold (default 2^20). */
        public Builder maxObjects(int n) {
            maxObjects = positive(n);
            return this;
        }

        /** Most frames a pickled tasklet may have (default 2^20). */
        public Builder maxFrames(int n) {
            maxFrames = positive(n);
            return this;
        }

        /** An identifier of the program's release, part of the program fingerprint (default empty). */
        public Builder programId(String id) {
            programId = Objects.requireNonNull(id);
            return this;
        }

        private static int positive(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("limit must be positive: " + n);
            }
            return n;
        }

        /** The pickler. */
        public Pickler build() {
            if (key == null) {
                throw new IllegalStateException("a Pickler needs a signing key: Pickler.builder().signingKey(key)");
            }
            return new Pickler(this);
        }
    }

    // ---------------------------------------------------------------- dumping

    /** Writes the pickle of {@code t} to {@code out}. */
    public void dump(Tasklet t, OutputStream out) throws IOException {
        out.write(dumps(t));
    }

    /**
     * Pickles {@code t}: a soft tasklet suspended in a switch (scheduled, paused, blocked on a
     * channel or in a {@link Select}), or one that has not started yet. The tasklet is not changed.
     */
    public byte[] dumps(Tasklet t) {
        return dumps(t, Map.of());
    }

    /**
     * Pickles {@code t} with named roots: objects (channels, collections, records, ...) pickled
     * with the tasklet, which {@link #loadsWithRoots} gives back by name, the same objects the
     * loaded tasklet's frames hold where they hold them. A channel given as a root is pickled even
     * when no frame reaches it, so a tasklet blocked on it comes back blocked on it.
     */
    public byte[] dumps(Tasklet t, Map<String, ?> roots) {
        Objects.requireNonNull(t, "dumps needs a tasklet");
        Objects.requireNonNull(roots, "dumps needs a map of roots (Map.of() for none)");
        Object jfr = org.jstackless.internal.jfr.JfrHooks.pickleBegin();
        Scheduler s = t.sched;
        if (t.isMain()) {
            throw new NotPicklableException(t + " is a main tasklet: its frames are the thread's own stack");
        }
        if (t == s.current) {
            throw new NotPicklableException("You cannot pickle the tasklet which is current (" + t + ")");
        }
        if (t.where == States.WAITING && t.parkedOn() != null && t.parkedOn().io != null) {
            throw new NotPicklableException(t + " waits for I/O on " + t.parkedOn().io
                    + ": sockets are not data; pickle the tasklet before it opens the socket or after it closed it");
        }
        if (t.where == States.WAITING || t.where == States.TRANSIT) {
            throw new NotPicklableException(t + " " + org.jstackless.internal.Errors.WAITS_OUTSIDE
                    + ", or is on its way from another thread: pickle it once it runs again");
        }
        Strand st = t.strand;
        int state;
        Frame[] frames = new Frame[0];
        Object bodyObj = null;
        if (st == null) {
            if (!(t.tempval instanceof TaskletBody b)) {
                throw new NotPicklableException(t + " is dead (not alive and not bound to a body)");
            }
            state = Payload.BOUND;
            bodyObj = b;
        } else if (!(st instanceof SoftStrand ss)) {
            throw new NotPicklableException(t + " is hard (its frames live on a JDK continuation or a thread, not "
                    + "in the heap): only soft tasklets pickle; weave its code (jstackless-maven-plugin or "
                    + "-javaagent) and keep soft switching on");
        } else if (ss.failure() != null) {
            throw new NotPicklableException(t + " has no frames to pickle: " + ss.failure().getMessage());
        } else if (t.resumeAt != st) {
            throw new NotPicklableException(t + " is suspended inside a greenlet, coroutine or generator it runs; "
                    + "only a tasklet suspended in its own frames pickles");
        } else if (!ss.isStarted()) {
            state = Payload.UNSTARTED;
            bodyObj = ss.body();
        } else {
            if (t.selecting() != null && t.where != States.CHANNEL) {
                throw new NotPicklableException(t + " was woken from a select and has not run since; pickle it once "
                        + "it has run (its select's choice is not made yet)");
            }
            if (ss.resumption() != (t.selecting() != null ? Select.RESUMED : Scheduler.CLAIM)) {
                throw new NotPicklableException(t + " is suspended inside Stackless.run() (it is a watchdog); "
                        + "only tasklets suspended in schedule, a channel operation, run or switchTo pickle");
            }
            state = Payload.SUSPENDED;
            frames = ss.savedFrames();
            if (frames.length > maxFrames) {
                throw new NotPicklableException(t + " has " + frames.length + " frames, more than maxFrames " + maxFrames);
            }
        }
        if (t.tempval instanceof Bomb && state != Payload.BOUND) {
            throw new NotPicklableException(t + " has a pending exception (a Bomb in its tempval), which does not pickle");
        }

        ObjectWriter ow = new ObjectWriter(c -> allowed.get(c.getName()) == c, c -> codeRefusal(c.getName()), t,
                maxObjects);
        MethodTable mt = new MethodTable();
        ow.context((CoroutineCodec.FrameWriter) (w, f) -> writeFrame(w, f, ow, mt));
        Out rootsOut = new Out();
        // Roots and frames (written after the object table, which they reference; the method table,
        // written first, is complete only once greenlets' frames were reached too).
        rootsOut.uvar(ow.ref(state == Payload.BOUND ? null : t.tempval, "the tasklet's tempval"));
        rootsOut.uvar(ow.ref(bodyObj, "the tasklet's body"));
        rootsOut.uvar(frames.length);
        for (Frame f : frames) { // outermost first
            writeFrame(rootsOut, f, ow, mt);
        }
        List<String> names = new ArrayList<>(roots.size());
        int[] rootIds = new int[roots.size()];
        for (Map.Entry<String, ?> e : roots.entrySet()) {
            rootIds[names.size()] = ow.ref(e.getValue(), "named root " + e.getKey());
            names.add(Objects.requireNonNull(e.getKey(), "a root's name"));
        }
        // Like Stackless, the channel a blocked tasklet waits on is pickled only when the frames or
        // the tempval reach it; otherwise the tasklet comes back paused (spec 8.5).
        ow.drain();
        Select<?> sel = t.where == States.CHANNEL ? t.selecting() : null;
        int chId = sel != null ? ow.idIfReached(sel) : t.where == States.CHANNEL ? ow.idIfReached(t.blockedOn()) : 0;
        if (sel != null && chId == 0) {
            throw new NotPicklableException(t + " is blocked in a select that its frames do not reach");
        }
        rootsOut.uvar(chId);
        rootsOut.svar(chId == 0 || sel != null ? 0 : t.blockedDirection());
        rootsOut.uvar(names.size());
        for (int i = 0; i < rootIds.length; i++) {
            rootsOut.str(names.get(i));
            rootsOut.uvar(rootIds[i]);
        }
        Out out = new Out();
        out.uvar(mt.methods.size());
        Map<String, Integer> strings = new HashMap<>(); // class and file names repeat: each written once
        for (MethodInfo mi : mt.methods) {
            Payload.writeShared(out, mi.className(), strings);
            out.str(mi.methodName());
            out.str(mi.descriptor());
            out.u8(mi.isStatic() ? 1 : 0);
            out.fixed64(mi.fingerprint());
            Payload.writeShared(out, mi.file() == null ? "" : mi.file(), strings);
            int[] lines = mi.lines();
            out.uvar(lines.length);
            for (int l : lines) {
                out.uvar(Math.max(0, l));
            }
            out.str(mi.layouts());
        }
        out.u8(state);
        out.u8((t.isAtomic() ? 1 : 0) | (t.blockTrap() ? 2 : 0));
        ow.writeTo(out);
        out.bytes(rootsOut.toByteArray());
        byte[] payload = out.toByteArray();
        if (payload.length + Envelope.HEADER + Envelope.MAC > maxBytes) {
            throw new NotPicklableException("the pickle of " + t + " would have " + payload.length + " bytes, more than "
                    + "maxBytes " + maxBytes);
        }
        Lineage lin = lineage(t);
        byte[] sealed = Envelope.seal(key, program, lin.hi(), lin.lo(), lin.sequence().incrementAndGet(), payload);
        org.jstackless.internal.jfr.JfrHooks.pickled(jfr, "dump", t.id, sealed.length, frames.length);
        return sealed;
    }

    private static Lineage lineage(Tasklet t) {
        synchronized (LINEAGES) {
            return LINEAGES.computeIfAbsent(t, x -> {
                java.util.UUID u = java.util.UUID.randomUUID();
                return new Lineage(u.getMostSignificantBits(), u.getLeastSignificantBits(), new AtomicLong());
            });
        }
    }

    /** Null if code of class {@code name} may be in a pickle of this pickler, else why not. */
    private String codeRefusal(String name) {
        if (code == null || RUNTIME_FRAMES.containsKey(name) || isRuntimePackage(name)) {
            return null;
        }
        String pkg = name.lastIndexOf('.') < 0 ? "" : name.substring(0, name.lastIndexOf('.'));
        for (String c : code) {
            if (c.equals(pkg) || c.equals(name) || name.startsWith(c + "$")) {
                return null;
            }
        }
        return "code of class " + name + " is outside this pickler's code restriction " + code
                + " (Pickler.builder().restrictCode(...))";
    }

    /**
     * The class of code (a frame's method, a lambda) named in a pickle: a runtime class, an
     * allowed class, or loaded by name (not initialised) from the pickler's class loader.
     */
    private Class<?> codeClass(String name) {
        Class<?> c = RUNTIME_FRAMES.get(name);
        if (c != null) {
            return c;
        }
        if (isRuntimePackage(name)) {
            try {
                return Class.forName(name, false, Pickler.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new NotPicklableException("the pickle has code of class " + name + ", which this version of the "
                        + "library does not have", e);
            }
        }
        String why = codeRefusal(name);
        if (why != null) {
            throw new NotPicklableException("the pickle has " + why);
        }
        c = allowed.get(name);
        if (c != null) {
            return c;
        }
        for (ClassLoader l : loaders) {
            try {
                return Class.forName(name, false, l);
            } catch (ClassNotFoundException e) {
                // try the next loader
            } catch (LinkageError e) {
                throw new NotPicklableException("the pickle has code of class " + name + ", which cannot be loaded: " + e, e);
            }
        }
        throw new NotPicklableException("the pickle has code of class " + name + ", which this program does not have "
                + "(or the Pickler's class loaders cannot see: Pickler.builder().classLoader(...))");
    }

    /**
     * Classes of the runtime whose woven frames may be in a pickle without being allowed: the
     * outer frames of a greenlet's strand (its strand body, the greenlet's run).
     */
    private static final Map<String, Class<?>> RUNTIME_FRAMES = Map.of(Greenlet.class.getName(), Greenlet.class,
            Coroutine.CoroStrand.class.getName(), Coroutine.CoroStrand.class, Coroutine.class.getName(), Coroutine.class,
            Generator.class.getName(), Generator.class);

    /**
     * Whether {@code name} is a class of the sync primitives (org.jstackless.sync, nested classes
     * included), whose frames and lambdas are the library's own, like {@link #RUNTIME_FRAMES}.
     */
    private static boolean isRuntimePackage(String name) {
        String pkg = org.jstackless.sync.Semaphore.class.getPackageName();
        return name.startsWith(pkg + ".") && name.indexOf('.', pkg.length() + 1) < 0;
    }

    /** The methods frames refer to, in order of first use; one entry per method even if two infos exist. */
    private final class MethodTable {
        final List<MethodInfo> methods = new ArrayList<>();
        final Map<MethodInfo, Integer> byInfo = new java.util.IdentityHashMap<>();
        /** By class, name and descriptor (mi.toString()'s parts: their hashes are cached, no string is built). */
        final Map<List<String>, Integer> byName = new HashMap<>();

        int index(MethodInfo mi) {
            Integer idx = byInfo.get(mi);
            if (idx == null) {
                List<String> name = List.of(mi.className(), mi.methodName(), mi.descriptor());
                idx = byName.get(name);
                if (idx == null) {
                    String why = codeRefusal(mi.className());
                    if (why != null) {
                        throw new NotPicklableException("frame " + mi.className() + "." + mi.methodName() + ": " + why);
                    }
                    idx = methods.size();
                    methods.add(mi);
                    byName.put(name, idx);
                }
                byInfo.put(mi, idx);
            }
            return idx;
        }
    }

    private static void writeFrame(Out o, Frame f, ObjectWriter ow, MethodTable mt) {
        int method = mt.index(f.info);
        int self = ow.ref(f.self, new FrameCtx(f, -1));
        int[] refs = new int[f.nRefs()];
        for (int j = 0; j < refs.length; j++) {
            refs[j] = ow.ref(f.refs[j], new FrameCtx(f, j));
        }
        Payload.writeFrame(o, method, f.site, self, refs, java.util.Arrays.copyOf(f.prims, f.nPrims()));
    }

    /** Where a frame's value was found, for a refusal's message; its text is made only when one is thrown. */
    private record FrameCtx(Frame f, int slot) {
        @Override
        public String toString() {
            return "frame " + frameName(f) + (slot < 0 ? " (receiver)" : " (saved value #" + slot + ")");
        }
    }

    private static StackTraceElement frameName(Frame f) {
        MethodInfo mi = f.info;
        int[] lines = mi.lines();
        int line = f.site < lines.length && lines[f.site] > 0 ? lines[f.site] : -1;
        return new StackTraceElement(mi.className(), mi.methodName(), mi.file(), line);
    }

    /**
     * A human-readable description of a pickle (the {@code Inspect} tool): envelope fields, then
     * each frame as {@code class.method(File.java:line)} with its saved values. Loads no class and
     * creates no object of the program. With a {@code key} (may be null) it says whether the
     * signature is valid. Throws {@link NotPicklableException} only when not even the envelope
     * can be read.
     */
    public static String describe(byte[] pickle, byte[] key) {
        return org.jstackless.internal.pickle.Inspector.describe(pickle, key);
    }

    /**
     * Which tasklet a pickle is of, and its place in that tasklet's sequence: what a store of
     * checkpoints keys them by (the newest per tasklet is the one with the highest sequence).
     *
     * @param tasklet  the tasklet's stable identity (32 hex digits), as {@link SequenceRecord} sees it
     * @param sequence the pickle's sequence number for that tasklet (1 for its first pickle)
     */
    public record Stamp(String tasklet, long sequence) {
    }

    /**
     * The stamp of a pickle, read from its envelope <em>without checking the signature</em> (use
     * it to file a pickle, not to trust it: {@link #loads} checks everything). Throws
     * {@link NotPicklableException} when the bytes are not a pickle of this format.
     */
    public static Stamp stamp(byte[] pickle) {
        Envelope e = Envelope.header(Objects.requireNonNull(pickle, "stamp needs bytes"));
        return new Stamp(e.identity(), e.sequence);
    }

    // ---------------------------------------------------------------- loading

    /** Reads a whole pickle from {@code in} (at most {@link Builder#maxBytes}) and loads it. */
    public Tasklet load(InputStream in) throws IOException {
        byte[] b = in.readNBytes(maxBytes + 1);
        if (b.length > maxBytes) {
            throw new NotPicklableException("pickle larger than maxBytes " + maxBytes);
        }
        return loads(b);
    }

    /**
     * Loads a pickle made by {@link #dumps} with the same key, by this or another JVM of the same
     * program. The tasklet belongs to the calling thread's scheduler and is paused (insert or run
     * it), unless it was blocked on a channel pickled with it: then it is blocked on the copy (in a
     * select: blocked in the select's copy, on the copies of all its channels).
     * When it resumes, its suspended call returns the pickled tempval.
     */
    public Tasklet loads(byte[] pickle) {
        return loadsWithRoots(pickle).tasklet();
    }

    /**
     * What {@link #loadsWithRoots} gives back: the loaded tasklet (as {@link #loads} returns it)
     * and the named roots given to {@link #dumps(Tasklet, Map)}, in their order, as loaded: the
     * same objects the tasklet's frames hold where they hold them (a channel it is blocked on, a
     * list it fills, ...). Values may be null.
     *
     * @param tasklet the loaded tasklet
     * @param roots   the named roots, by name (unmodifiable; empty when the pickle has none)
     */
    public record Loaded(Tasklet tasklet, Map<String, Object> roots) {
        /** Root {@code name} as a {@code type}; throws naming the roots there are when it is missing or not one. */
        public <T> T root(String name, Class<T> type) {
            if (!roots.containsKey(name)) {
                throw new IllegalArgumentException("no root named " + name + "; the pickle has " + roots.keySet());
            }
            Object v = roots.get(name);
            if (v != null && !type.isInstance(v)) {
                throw new ClassCastException("root " + name + " is a " + v.getClass().getName() + ", not a " + type.getName());
            }
            return type.cast(v);
        }
    }

    /**
     * Loads like {@link #loads}, and also gives back the named roots the pickle was made with
     * ({@link #dumps(Tasklet, Map)}): how a program finds the channels and objects a loaded
     * tasklet brought back.
     */
    public Loaded loadsWithRoots(byte[] pickle) {
        Objects.requireNonNull(pickle, "loads needs bytes");
        Object jfr = org.jstackless.internal.jfr.JfrHooks.pickleBegin();
        if (pickle.length > maxBytes) {
            throw new NotPicklableException("pickle of " + pickle.length + " bytes, larger than maxBytes " + maxBytes);
        }
        Envelope env = Envelope.open(pickle, key, program);
        String identity = env.identity();
        if (record != null) {
            long last = record.lastSeen(identity);
            if (env.sequence <= last) {
                throw new ReplayedPickleException(identity, env.sequence, last);
            }
        }
        Payload p;
        try {
            p = Payload.parse(Envelope.payload(pickle), allowed, maxObjects, maxFrames);
        } catch (RuntimeException e) {
            throw wrap(e, "cannot decode the pickle");
        }
        p.objects.code(this::codeClass);
        // Methods: code of this program (by name, under the signature), woven, unchanged.
        Class<?>[] owners = new Class<?>[p.methods.length];
        Fingerprints.Facts[] facts = new Fingerprints.Facts[p.methods.length];
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < p.methods.length; i++) {
            Payload.MethodRef m = p.methods[i];
            Class<?> owner;
            try {
                owner = codeClass(m.className);
            } catch (NotPicklableException e) {
                throw new NotPicklableException("the pickle has frames of " + m.display() + ", but: " + e.getMessage(), e);
            }
            if (!SoftRuntime.isWovenClass(owner)) {
                throw new NotPicklableException("the pickle has frames of " + m.display() + ", but class " + m.className
                        + " is not woven in this program");
            }
            try {
                facts[i] = Fingerprints.of(owner, m.name, m.desc);
            } catch (NotPicklableException e) {
                changed.add(m.display() + " (" + e.getMessage() + ")");
                continue;
            }
            if (facts[i].fingerprint() != m.fingerprint) {
                changed.add(m.display());
            }
            owners[i] = owner;
        }
        if (!changed.isEmpty()) {
            throw new PickleVersionException("the pickle was made by another version of the program: the bytecode of "
                    + String.join(", ", changed) + " changed since", changed);
        }
        // Frames: every slot against what the woven code at its call site saves and restores.
        try {
            p.checkFrames(owners, facts);
        } catch (RuntimeException e) {
            throw wrap(e, "cannot check the frames");
        }
        Loaded loaded;
        try {
            loaded = restore(p, owners, facts, env, identity);
        } catch (RuntimeException e) {
            throw wrap(e, "cannot restore the tasklet");
        }
        Tasklet t = loaded.tasklet();
        org.jstackless.internal.jfr.JfrHooks.pickled(jfr, "load", t.id, pickle.length, t.recursionDepth());
        return loaded;
    }

    private static NotPicklableException wrap(RuntimeException e, String what) {
        if (e instanceof NotPicklableException n) {
            return n;
        }
        return new NotPicklableException(what + ": " + e, e);
    }

    private Loaded restore(Payload p, Class<?>[] owners, Fingerprints.Facts[] facts, Envelope env, String identity) {
        MethodInfo[] infos = new MethodInfo[p.methods.length];
        for (int i = 0; i < infos.length; i++) {
            infos[i] = info(owners[i], p.methods[i], facts[i]);
        }
        Scheduler s = Scheduler.current();
        Tasklet t = new Tasklet(null, s);
        ObjectReader or = p.objects;
        or.context(new CoroutineCodec.Load());
        or.materialize(t);
        p.checkCreated();
        // Greenlets and generators: frames, parents (checked for cycles) and mailboxes, before anything is linked.
        List<Runnable> links = CoroutineCodec.restore(or, (recs, chain) -> frames(recs, p, infos, owners, chain));
        Object body = or.get(p.body);
        if (p.state != Payload.SUSPENDED && !(body instanceof TaskletBody)) {
            throw new NotPicklableException("malformed pickle: the body is a " + (body == null ? "null" : body.getClass().getName()));
        }
        Object ch = or.get(p.channel);
        if (p.channel != 0 && !(ch instanceof Channel<?> && p.blocked != 0)
                && !(ch instanceof Select<?> && p.blocked == 0 && p.state == Payload.SUSPENDED)) {
            throw new NotPicklableException("malformed pickle: the tasklet is blocked on a "
                    + (ch == null ? "null" : ch.getClass().getName()) + " in direction " + p.blocked);
        }
        Frame[] frames = frames(p.frames, p, infos, owners, "");
        Map<String, Object> named = new LinkedHashMap<>();
        for (int i = 0; i < p.rootNames.length; i++) {
            named.put(p.rootNames[i], or.get(p.rootIds[i]));
        }
        if (ch instanceof Select<?> sel && !sel.canRestoreBlocked()) {
            throw new NotPicklableException("malformed pickle: the tasklet is blocked in a select without a case");
        }
        // The replay check's atomic step: after it, nothing can fail; link the greenlets and the tasklet.
        if (record != null && !record.advance(identity, env.sequence)) {
            throw new ReplayedPickleException(identity, env.sequence, record.lastSeen(identity));
        }
        links.forEach(Runnable::run);
        Strand strand = switch (p.state) {
            case Payload.SUSPENDED -> SoftStrand.restored(null, Scheduler.ENTRY, frames,
                    ch instanceof Select<?> ? Select.RESUMED : Scheduler.CLAIM);
            case Payload.UNSTARTED -> Mechanisms.factoryFor(body).create(body, Scheduler.ENTRY);
            default -> null;
        };
        t.strand = strand;
        t.resumeAt = strand;
        t.tempval = p.state == Payload.BOUND ? body : or.get(p.tempval);
        t.setAtomic((p.flags & 1) != 0);
        t.setBlockTrap((p.flags & 2) != 0);
        if (ch instanceof Select<?> sel) {
            sel.restoreBlocked(t, s);
        } else if (ch != null && p.state != Payload.BOUND) {
            ((Channel<?>) ch).restoreBlocked(t, p.blocked);
        }
        LINEAGES.put(t, new Lineage(env.identityHi, env.identityLo, new AtomicLong(env.sequence)));
        return new Loaded(t, java.util.Collections.unmodifiableMap(named));
    }

    private static Frame[] frames(Payload.FrameRec[] recs, Payload p, MethodInfo[] infos, Class<?>[] owners, String chain) {
        ObjectReader or = p.objects;
        Frame[] frames = new Frame[recs.length];
        for (int i = 0; i < frames.length; i++) {
            Payload.FrameRec fr = recs[i];
            Payload.MethodRef m = p.methods[fr.method];
            Object self = or.get(fr.self);
            if (m.isStatic ? self != null : !owners[fr.method].isInstance(self)) {
                throw new NotPicklableException("malformed pickle: " + chain + "frame " + i + " of " + m.display()
                        + " has receiver " + (self == null ? "null" : "of class " + self.getClass().getName()));
            }
            Object[] refs = new Object[fr.refs.length];
            for (int j = 0; j < refs.length; j++) {
                refs[j] = or.get(fr.refs[j]);
            }
            frames[i] = Frame.restored(infos[fr.method], self, fr.site, refs, fr.prims.clone());
        }
        return frames;
    }

    private static MethodInfo info(Class<?> owner, Payload.MethodRef m, Fingerprints.Facts facts) {
        Map<String, MethodInfo> cache = INFOS.get(owner);
        String k = m.name + m.desc;
        MethodInfo mi = cache.get(k);
        if (mi != null) {
            return mi;
        }
        StringBuilder lines = new StringBuilder();
        for (int l : m.lines) {
            lines.append(lines.length() == 0 ? "" : ",").append(l);
        }
        try {
            Pickler.class.getModule().addReads(owner.getModule());
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(owner, MethodHandles.lookup());
            mi = MethodInfo.bootstrap(lookup, MethodInfo.CONSTANT_NAME, MethodInfo.class, m.name, m.desc, m.isStatic ? 1 : 0, m.file,
                    lines.toString(), facts.fingerprint(), facts.layouts());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new NotPicklableException("cannot re-enter " + m.display() + ": " + e
                    + (owner.getModule().isNamed() ? " (" + org.jstackless.internal.pickle.Fields.opensHint(owner) + ")" : ""), e);
        }
        cache.put(k, mi);
        return mi;
    }
}
