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
import org.jstackless.internal.pickle.Envelope;
import org.jstackless.internal.pickle.Fingerprints;
import org.jstackless.internal.pickle.In;
import org.jstackless.internal.pickle.ObjectReader;
import org.jstackless.internal.pickle.ObjectWriter;
import org.jstackless.internal.pickle.Out;
import org.jstackless.internal.pickle.Payload;
import org.jstackless.internal.soft.Frame;
import org.jstackless.internal.soft.MethodInfo;
import org.jstackless.internal.soft.SoftRuntime;
import org.jstackless.internal.soft.SoftStrand;
import org.jstackless.internal.switching.Strand;
import org.jstackless.internal.switching.Switching;

/**
 * Pickles a suspended soft tasklet (its frames, and the objects and channels they reach) to bytes,
 * and loads such bytes back, in this JVM or another one running the same program (Stackless's
 * {@code pickle.dumps(t)} / {@code pickle.loads(s)}, spec §8).
 *
 * <pre>
 *   Pickler p = Pickler.builder().allow(MyRecord.class, MyApp.class).signingKey(key).build();
 *   byte[] b = p.dumps(t);          // t: suspended (scheduled, paused or blocked), not current
 *   Tasklet u = p.loads(b);         // paused: u.insert(); or blocked on a channel pickled with it
 * </pre>
 *
 * <p>What pickles: the tasklet's woven frames (each: method, call site, receiver, live values),
 * its tempval, and everything they reach that is a String, a boxed primitive, an allowed enum or
 * record, an array, an ArrayList, HashMap or LinkedHashMap, a {@link Channel} (its settings; if
 * the tasklet is blocked on it, it comes back blocked on the copy), the tasklet itself, a
 * serializable lambda whose capturing class is allowed, or a {@link Greenlet} (suspended soft ones
 * with their own frames, parent and mailbox; unstarted ones with their run function; dead ones; they
 * come back in the loading thread's greenlet group, and the main greenlet stands for the loading
 * thread's), or a {@link Generator} (suspended in a yield on a soft strand, with its frames; not
 * started, with its body; or finished). The classes declaring the frames' methods must
 * be allowed too (the runtime's own greenlet frames need not be). Everything else is refused with a
 * {@link NotPicklableException} naming the class and the frame it was reached from.
 *
 * <p>Loading first checks the envelope (magic, format version, length, HMAC-SHA256 signature,
 * program fingerprint), before any class is looked at or object created; then the weaver's
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
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** Re-entry infos made for loaded frames, per class and method. */
    private static final ClassValue<Map<String, MethodInfo>> INFOS = new ClassValue<>() {
        @Override
        protected Map<String, MethodInfo> computeValue(Class<?> c) {
            return new ConcurrentHashMap<>();
        }
    };

    private final Map<String, Class<?>> allowed;
    private final byte[] key;
    private final int maxBytes;
    private final int maxObjects;
    private final int maxFrames;
    private final long program;

    private Pickler(Builder b) {
        this.allowed = Map.copyOf(b.allowed);
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
        private byte[] key;
        private int maxBytes = 64 << 20;
        private int maxObjects = 1 << 20;
        private int maxFrames = 1 << 20;
        private String programId = "";

        private Builder() {
        }

        /**
         * Classes that may appear in a pickle: records, enums, array components, lambdas' capturing
         * classes, and the classes declaring the frames' methods. String, boxed primitives,
         * ArrayList, HashMap, LinkedHashMap and Channel are always allowed.
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

        /** The HMAC-SHA256 key pickles are signed and checked with (at least 16 bytes). */
        public Builder signingKey(byte[] key) {
            if (key == null || key.length < 16) {
                throw new IllegalArgumentException("the signing key must have at least 16 bytes");
            }
            this.key = key.clone();
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
     * Pickles {@code t}: a soft tasklet suspended in a switch (scheduled, paused or blocked on a
     * channel), or one that has not started yet. The tasklet is not changed.
     */
    public byte[] dumps(Tasklet t) {
        Objects.requireNonNull(t, "dumps needs a tasklet");
        Scheduler s = t.sched;
        if (t.isMain) {
            throw new NotPicklableException(t + " is a main tasklet: its frames are the thread's own stack");
        }
        if (t == s.current) {
            throw new NotPicklableException("You cannot pickle the tasklet which is current (" + t + ")");
        }
        if (t.where == Scheduler.WAITING && t.wait != null && t.wait.io != null) {
            throw new NotPicklableException(t + " waits for I/O on " + t.wait.io
                    + ": sockets are not data; pickle the tasklet before it opens the socket or after it closed it");
        }
        if (t.where == Scheduler.WAITING || t.where == Scheduler.TRANSIT) {
            throw new NotPicklableException(t + " waits for a blocking call, a timer, a future or another thread");
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
        } else if (t.resumeAt != st) {
            throw new NotPicklableException(t + " is suspended inside a greenlet, coroutine or generator it runs; "
                    + "only a tasklet suspended in its own frames pickles");
        } else if (!ss.isStarted()) {
            state = Payload.UNSTARTED;
            bodyObj = ss.body();
        } else {
            if (ss.resumption() != Scheduler.CLAIM) {
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

        ObjectWriter ow = new ObjectWriter(c -> allowed.get(c.getName()) == c, t, maxObjects);
        MethodTable mt = new MethodTable();
        ow.extension((o, w, ctx) -> writeCoroutine(o, w, ctx, ow, mt));
        Out roots = new Out();
        // Roots and frames (written after the object table, which they reference; the method table,
        // written first, is complete only once greenlets' frames were reached too).
        roots.uvar(ow.ref(state == Payload.BOUND ? null : t.tempval, "the tasklet's tempval"));
        roots.uvar(ow.ref(bodyObj, "the tasklet's body"));
        roots.uvar(frames.length);
        for (Frame f : frames) { // outermost first
            writeFrame(roots, f, ow, mt);
        }
        // Like Stackless, the channel a blocked tasklet waits on is pickled only when the frames or
        // the tempval reach it; otherwise the tasklet comes back paused (spec 8.5).
        ow.drain();
        int chId = t.where == Scheduler.CHANNEL ? ow.idIfReached(t.channel) : 0;
        roots.uvar(chId);
        roots.svar(chId == 0 ? 0 : t.blocked);
        Out out = new Out();
        out.uvar(mt.methods.size());
        for (MethodInfo mi : mt.methods) {
            out.str(mi.className());
            out.str(mi.methodName());
            out.str(mi.descriptor());
            out.u8(mi.isStatic() ? 1 : 0);
            out.fixed64(mi.fingerprint());
            out.str(mi.file() == null ? "" : mi.file());
            int[] lines = mi.lines();
            out.uvar(lines.length);
            for (int l : lines) {
                out.uvar(Math.max(0, l));
            }
            out.str(mi.layouts());
        }
        out.u8(state);
        out.u8((t.isAtomic() ? 1 : 0) | (t.blockTrap ? 2 : 0));
        ow.writeTo(out);
        out.bytes(roots.toByteArray());
        byte[] payload = out.toByteArray();
        if (payload.length + Envelope.HEADER + Envelope.MAC > maxBytes) {
            throw new NotPicklableException("the pickle of " + t + " would have " + payload.length + " bytes, more than "
                    + "maxBytes " + maxBytes);
        }
        return Envelope.seal(key, program, t.id, SEQUENCE.incrementAndGet(), payload);
    }

    /**
     * Classes of the runtime whose woven frames may be in a pickle without being allowed: the
     * outer frames of a greenlet's strand (its strand body, the greenlet's run).
     */
    private static final Map<String, Class<?>> RUNTIME_FRAMES = Map.of(Greenlet.class.getName(), Greenlet.class,
            Coroutine.CoroStrand.class.getName(), Coroutine.CoroStrand.class, Coroutine.class.getName(), Coroutine.class,
            Generator.class.getName(), Generator.class);

    private Class<?> frameOwner(String className) {
        Class<?> c = allowed.get(className);
        return c != null ? c : RUNTIME_FRAMES.get(className);
    }

    /** The methods frames refer to, in order of first use; one entry per method even if two infos exist. */
    private final class MethodTable {
        final List<MethodInfo> methods = new ArrayList<>();
        final Map<MethodInfo, Integer> byInfo = new java.util.IdentityHashMap<>();
        final Map<String, Integer> byName = new HashMap<>();
        /** Yielders found in generators' frames, and their generators. */
        final Map<Object, Generator<?>> yielders = new java.util.IdentityHashMap<>();

        int index(MethodInfo mi) {
            Integer idx = byInfo.get(mi);
            if (idx == null) {
                idx = byName.get(mi.toString());
                if (idx == null) {
                    if (frameOwner(mi.className()) == null) {
                        throw new NotPicklableException("frame " + mi.className() + "." + mi.methodName() + ": class "
                                + mi.className() + " is not allowed; add it with Pickler.builder().allow("
                                + mi.className().substring(mi.className().lastIndexOf('.') + 1) + ".class)");
                    }
                    idx = methods.size();
                    methods.add(mi);
                    byName.put(mi.toString(), idx);
                }
                byInfo.put(mi, idx);
            }
            return idx;
        }
    }

    private static void writeFrame(Out o, Frame f, ObjectWriter ow, MethodTable mt) {
        String ctx = "frame " + frameName(f);
        int method = mt.index(f.info);
        int self = ow.ref(f.self, ctx + " (receiver)");
        int[] refs = new int[f.nRefs()];
        for (int j = 0; j < refs.length; j++) {
            refs[j] = ow.ref(f.refs[j], ctx + " (saved value #" + j + ")");
        }
        Payload.writeFrame(o, method, f.site, self, refs, java.util.Arrays.copyOf(f.prims, f.nPrims()));
    }

    /**
     * Encodes a greenlet (a {@link Coroutine} whose owner is a plain {@link Greenlet}) or the strand
     * body of one. A suspended soft greenlet is written with its frames, parent and mailbox; the
     * main greenlet as a stand-in for the loading thread's; a dead one as dead. Generic in the
     * coroutine: another concept with soft strands (generators) would add its owner class here.
     */
    private static boolean writeCoroutine(Object o, Out w, String ctx, ObjectWriter ow, MethodTable mt) {
        if (o instanceof Coroutine.CoroStrand cs) {
            Coroutine co = cs.coroutine();
            if (!(co.owner instanceof Greenlet) && !(co.owner instanceof Generator<?>)) {
                throw new NotPicklableException("cannot pickle the strand of " + co + " (reached from " + ctx
                        + "): only greenlets' and generators' coroutines pickle");
            }
            w.u8(Payload.CORO_STRAND);
            w.uvar(ow.ref(co.owner, ctx));
            return true;
        }
        if (o instanceof Yielder<?> && mt.yielders.containsKey(o)) {
            w.u8(Payload.YIELDER);
            w.uvar(ow.ref(mt.yielders.get(o), ctx));
            return true;
        }
        if (o instanceof Generator<?> gen) {
            return writeGenerator(gen, w, ctx, ow, mt);
        }
        if (o instanceof Coroutine co) {
            throw new NotPicklableException("cannot pickle " + co + " (reached from " + ctx + "): a plain coroutine "
                    + "does not pickle; greenlets do");
        }
        if (!(o instanceof Greenlet g)) {
            return false;
        }
        Coroutine co = g.co;
        String what = "cannot pickle greenlet " + g + " (reached from " + ctx + "): ";
        if (co.isMain) {
            coroutineEntry(w, Payload.CONCEPT_GREENLET, Payload.CO_MAIN, 0, 0, NO_FRAMES, null, null);
            return true;
        }
        if (g.getClass() != Greenlet.class) {
            throw new NotPicklableException(what + "only Greenlet itself pickles, not a subclass ("
                    + g.getClass().getName() + "): pass a GreenletBody instead of overriding run");
        }
        if (co.state == Coroutine.DEAD) {
            coroutineEntry(w, Payload.CONCEPT_GREENLET, Payload.CO_DEAD, 0, 0, NO_FRAMES, null, null);
            return true;
        }
        if (co.state == Coroutine.BOUND) {
            // Not started: its run function (a serializable lambda) and its parent.
            GreenletBody body = g.body();
            Coroutine parent = co.parent;
            if (body == null) {
                throw new NotPicklableException(what + "it has no run function");
            }
            if (parent == null || !(parent.isMain || parent.owner instanceof Greenlet)) {
                throw new NotPicklableException(what + "its parent is not a greenlet");
            }
            coroutineEntry(w, Payload.CONCEPT_GREENLET, Payload.CO_UNSTARTED,
                    ow.ref(Greenlet.of(parent), ctx + " (parent of " + g + ")"),
                    ow.ref(body, ctx + " (run function of " + g + ")"), NO_FRAMES, ow, mt);
            return true;
        }
        if (co.state != Coroutine.STARTED) {
            throw new NotPicklableException(what + "it is not bound to a run function");
        }
        if (co.group.current == co) {
            throw new NotPicklableException(what + "it is running (the current greenlet of its thread)");
        }
        if (!(co.frame instanceof SoftStrand ss)) {
            throw new NotPicklableException(what + "it is hard (its frames live on a JDK continuation or a thread): "
                    + "only soft greenlets pickle; weave its code and keep soft switching on");
        }
        if (ss.resumption() != co.group.resume) {
            throw new NotPicklableException(what + "it is suspended in a tasklet operation (schedule, a channel, ...) "
                    + "made inside it, not in a greenlet switch");
        }
        Coroutine parent = co.parent;
        if (parent == null || !(parent.isMain || parent.owner instanceof Greenlet)) {
            throw new NotPicklableException(what + "its parent is not a greenlet");
        }
        Frame[] frames = ss.savedFrames();
        coroutineEntry(w, Payload.CONCEPT_GREENLET, Payload.CO_SUSPENDED,
                ow.ref(Greenlet.of(parent), ctx + " (parent of " + g + ")"),
                ow.ref(co.mailbox, ctx + " (mailbox of " + g + ")"), frames, ow, mt);
        return true;
    }

    /**
     * A generator: finished; not started (its body, a serializable lambda); or suspended in a
     * yield on a soft strand, with its frames (the yielder its body holds is written as "the
     * yielder of this generator"). A buffered value (hasNext() called, next() not yet) is refused.
     */
    private static boolean writeGenerator(Generator<?> gen, Out w, String ctx, ObjectWriter ow, MethodTable mt) {
        Coroutine co = gen.coroutine();
        String what = "cannot pickle " + gen + " (reached from " + ctx + "): ";
        if (gen.isFinished()) {
            coroutineEntry(w, Payload.CONCEPT_GENERATOR, Payload.CO_DEAD, 0, 0, NO_FRAMES, null, null);
            return true;
        }
        if (gen.hasBuffered()) {
            throw new NotPicklableException(what + "it holds a value produced by hasNext() and not yet taken by next(); "
                    + "pickle it before hasNext() or after next()");
        }
        if (co.state == Coroutine.BOUND) {
            coroutineEntry(w, Payload.CONCEPT_GENERATOR, Payload.CO_UNSTARTED, 0,
                    ow.ref(co.nestedCode, ctx + " (body of " + gen + ")"), NO_FRAMES, ow, mt);
            return true;
        }
        if (co.state != Coroutine.STARTED || co.group.current == co) {
            throw new NotPicklableException(what + "it is running");
        }
        if (!(co.frame instanceof SoftStrand ss)) {
            throw new NotPicklableException(what + "its body is hard (a JDK continuation): only soft generators "
                    + "pickle; weave the body and keep soft switching on when creating the generator");
        }
        if (ss.resumption() != co.group.resume) {
            throw new NotPicklableException(what + "its body is suspended in something other than a yield");
        }
        Frame[] frames = ss.savedFrames();
        for (Frame f : frames) {
            for (int j = 0; j < f.nRefs(); j++) {
                Object r = f.refs[j];
                if (r instanceof Yielder<?> && r.getClass().isHidden()
                        && r.getClass().getName().startsWith(Generator.class.getName() + "$$")) {
                    mt.yielders.put(r, gen); // the body's yielder: this generator's
                }
            }
        }
        coroutineEntry(w, Payload.CONCEPT_GENERATOR, Payload.CO_SUSPENDED, 0, 0, frames, ow, mt);
        return true;
    }

    /** The body of a restored generator shell: never runs (its strand is the restored one). */
    private static final GeneratorBody<Object> NEVER_RUNS = y -> {
        throw new IllegalStateException("a restored generator's placeholder body ran");
    };

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
     * it), unless it was blocked on a channel pickled with it: then it is blocked on the copy.
     * When it resumes, its suspended call returns the pickled tempval.
     */
    public Tasklet loads(byte[] pickle) {
        Objects.requireNonNull(pickle, "loads needs bytes");
        if (pickle.length > maxBytes) {
            throw new NotPicklableException("pickle of " + pickle.length + " bytes, larger than maxBytes " + maxBytes);
        }
        Envelope.open(pickle, key, program);
        Payload p;
        try {
            p = Payload.parse(Envelope.payload(pickle), allowed, maxObjects, maxFrames);
        } catch (RuntimeException e) {
            throw wrap(e, "cannot decode the pickle");
        }
        // Methods: allowed, woven, unchanged.
        Class<?>[] owners = new Class<?>[p.methods.length];
        Fingerprints.Facts[] facts = new Fingerprints.Facts[p.methods.length];
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < p.methods.length; i++) {
            Payload.MethodRef m = p.methods[i];
            Class<?> owner = frameOwner(m.className);
            if (owner == null) {
                throw new NotPicklableException("the pickle has frames of " + m.display() + ", but class " + m.className
                        + " is not allowed here (Pickler.builder().allow(...))");
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
        try {
            return restore(p, owners, facts);
        } catch (RuntimeException e) {
            throw wrap(e, "cannot restore the tasklet");
        }
    }

    private static NotPicklableException wrap(RuntimeException e, String what) {
        if (e instanceof NotPicklableException n) {
            return n;
        }
        return new NotPicklableException(what + ": " + e, e);
    }

    private Tasklet restore(Payload p, Class<?>[] owners, Fingerprints.Facts[] facts) {
        MethodInfo[] infos = new MethodInfo[p.methods.length];
        for (int i = 0; i < infos.length; i++) {
            infos[i] = info(owners[i], p.methods[i], facts[i]);
        }
        Scheduler s = Scheduler.current();
        Tasklet t = new Tasklet(null, s);
        ObjectReader or = p.objects;
        Map<Object, Coroutine.CoroStrand> strands = new java.util.IdentityHashMap<>();
        or.factory(new ObjectReader.Factory() {
            @Override
            public Object coroutine(int concept, int state) {
                if (concept == Payload.CONCEPT_GENERATOR) {
                    Generator<Object> gen = Generator.of(NEVER_RUNS);
                    if (state == Payload.CO_DEAD) {
                        gen.close(); // never started: finished without running anything
                    }
                    return gen;
                }
                // A shell in this thread's greenlet group, linked below once every object exists; if
                // loading fails first, nothing refers to it.
                return state == Payload.CO_MAIN ? Greenlet.mainGreenlet() : new Greenlet((GreenletBody) null, null);
            }

            @Override
            public Object coroStrand(Object owner) {
                return strands.computeIfAbsent(owner, o -> new Coroutine.CoroStrand(coroutineOf(o)));
            }

            @Override
            public Object yielder(Object gen) {
                return ((Generator<?>) gen).yielder();
            }

            @Override
            @SuppressWarnings("unchecked")
            public Object unstarted(int concept, Object parent, Object body) {
                if (concept == Payload.CONCEPT_GENERATOR) {
                    if (!(body instanceof GeneratorBody<?> b)) {
                        throw new NotPicklableException("malformed pickle: an unstarted generator with body "
                                + (body == null ? "null" : body.getClass().getName()));
                    }
                    return Generator.of((GeneratorBody<Object>) b);
                }
                if (!(parent instanceof Greenlet pg) || !(body instanceof GreenletBody b)) {
                    throw new NotPicklableException("malformed pickle: an unstarted greenlet with parent "
                            + (parent == null ? "null" : parent.getClass().getName()) + " and run function "
                            + (body == null ? "null" : body.getClass().getName()));
                }
                return new Greenlet(b, pg);
            }
        });
        or.materialize(t);
        p.checkCreated();
        // Greenlets: frames, parent (checked for cycles) and mailbox, before anything is linked.
        List<Integer> coIds = or.coroutineIds();
        List<Runnable> links = new ArrayList<>();
        for (int id : coIds) {
            if (or.get(id) instanceof Generator<?> gen) {
                if (or.coroutineState(id) == Payload.CO_SUSPENDED) {
                    Frame[] gf = frames(or.coroutineFrames(id), p, infos, owners, "generator #" + id + " ");
                    Coroutine co = gen.coroutine();
                    Coroutine.CoroStrand cs = strands.computeIfAbsent(gen, x -> new Coroutine.CoroStrand(co));
                    SoftStrand st = SoftStrand.restored(cs, cs, gf, co.group.resume);
                    links.add(() -> {
                        co.state = Coroutine.STARTED;
                        co.frame = st;
                    });
                }
                continue;
            }
            Greenlet g = (Greenlet) or.get(id);
            switch (or.coroutineState(id)) {
                case Payload.CO_DEAD -> links.add(g.co::die);
                case Payload.CO_SUSPENDED -> {
                    Frame[] gf = frames(or.coroutineFrames(id), p, infos, owners, "greenlet #" + id + " ");
                    int pid = or.coroutineParent(id);
                    Object po = or.get(pid);
                    if (!(po instanceof Greenlet)) {
                        throw new NotPicklableException("malformed pickle: the parent of greenlet #" + id + " is "
                                + (po == null ? "null" : "a " + po.getClass().getName()));
                    }
                    for (int a = id, steps = 0; or.get(a) instanceof Greenlet && (or.coroutineState(a) == Payload.CO_SUSPENDED
                            || or.coroutineState(a) == Payload.CO_UNSTARTED); a = or.coroutineParent(a)) {
                        if (++steps > coIds.size()) {
                            throw new NotPicklableException("malformed pickle: greenlet #" + id + "'s parent chain is a cycle");
                        }
                    }
                    Coroutine.CoroStrand cs = strands.computeIfAbsent(g, x -> new Coroutine.CoroStrand(g.co));
                    Coroutine co = g.co;
                    SoftStrand st = SoftStrand.restored(cs, cs, gf, co.group.resume);
                    Object mailbox = or.get(or.coroutineMailbox(id));
                    Coroutine parent = ((Greenlet) po).co;
                    links.add(() -> {
                        co.state = Coroutine.STARTED;
                        co.frame = st;
                        co.parent = parent;
                        co.mailbox = mailbox;
                    });
                }
                default -> {
                }
            }
        }
        Object body = or.get(p.body);
        if (p.state != Payload.SUSPENDED && !(body instanceof TaskletBody)) {
            throw new NotPicklableException("malformed pickle: the body is a " + (body == null ? "null" : body.getClass().getName()));
        }
        Object ch = or.get(p.channel);
        if (p.channel != 0 && !(ch instanceof Channel<?>)) {
            throw new NotPicklableException("malformed pickle: the tasklet is blocked on a " + ch.getClass().getName());
        }
        Frame[] frames = frames(p.frames, p, infos, owners, "");
        // Nothing can fail from here on: link the greenlets and the tasklet.
        links.forEach(Runnable::run);
        Strand strand = switch (p.state) {
            case Payload.SUSPENDED -> SoftStrand.restored(null, Scheduler.ENTRY, frames, Scheduler.CLAIM);
            case Payload.UNSTARTED -> Switching.factoryFor(body, Scheduler.softSwitch).create((TaskletBody) body,
                    Scheduler.ENTRY);
            default -> null;
        };
        t.strand = strand;
        t.resumeAt = strand;
        t.tempval = p.state == Payload.BOUND ? body : or.get(p.tempval);
        t.setAtomic((p.flags & 1) != 0);
        t.blockTrap = (p.flags & 2) != 0;
        if (ch != null && p.state != Payload.BOUND) {
            ((Channel<?>) ch).restoreBlocked(t, p.blocked);
        }
        return t;
    }

    private static Coroutine coroutineOf(Object owner) {
        return owner instanceof Generator<?> gen ? gen.coroutine() : ((Greenlet) owner).co;
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
            mi = MethodInfo.bootstrap(lookup, "jslInfo", MethodInfo.class, m.name, m.desc, m.isStatic ? 1 : 0, m.file,
                    lines.toString(), facts.fingerprint(), facts.layouts());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new NotPicklableException("cannot re-enter " + m.display() + ": " + e
                    + " (in a named module, open its package to org.jstackless.core)", e);
        }
        cache.put(k, mi);
        return mi;
    }

    private static final Frame[] NO_FRAMES = new Frame[0];

    /**
     * One coroutine entry: its concept and state, two object references whose meaning depends on
     * them (0: none), then its frames.
     */
    private static void coroutineEntry(Out w, int concept, int state, int ref1, int ref2, Frame[] frames,
            ObjectWriter ow, MethodTable mt) {
        w.u8(Payload.COROUTINE);
        w.u8(concept);
        w.u8(state);
        w.uvar(ref1);
        w.uvar(ref2);
        w.uvar(frames.length);
        for (Frame f : frames) {
            writeFrame(w, f, ow, mt);
        }
    }
}
