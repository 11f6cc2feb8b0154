package org.jstackless.internal.pickle;

import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jstackless.internal.soft.MethodInfo;

/**
 * The decoded payload of a pickle, as flat data (no object of the program is created here):
 *
 * <pre>
 *   methods  count, then per method: class, name, descriptor, flags (1 = static), fingerprint (u64),
 *            source file, call-site lines, slot layouts (see MethodInfo#parseLayouts); class and
 *            file are shared strings ({@link #writeShared})
 *   state    u8 (BOUND, UNSTARTED, SUSPENDED), u8 flags (1 atomic, 2 block trap)
 *   objects  the {@link ObjectWriter} table
 *   roots    tempval id, body id
 *   frames   count, then per frame, outermost first: method index, call-site index, receiver id,
 *            reference slots (count, ids), primitive slots (count, zigzag longs)
 *   channel  id of the channel the tasklet is blocked on (0: none or not pickled), direction (zigzag);
 *            or id of the select it is blocked in, direction 0
 *   named    count, then per named root: name, object id (in the order given to dumps)
 * </pre>
 */
public final class Payload {
    public static final int BOUND = 0;
    public static final int UNSTARTED = 1;
    public static final int SUSPENDED = 2;

    /** Object kind of a coroutine concept (a greenlet) entry. */
    public static final int COROUTINE = Kinds.COROUTINE;
    /** Object kind of a coroutine's strand body entry. */
    public static final int CORO_STRAND = Kinds.CORO_STRAND;
    /** Object kind of the pickled tasklet itself (one byte: no payload). */
    public static final int SELF = Kinds.SELF;
    /** Kind of a channel entry, and its flag for a buffer (capacity, then the buffered values' ids). */
    public static final int CHANNEL = Kinds.CHANNEL;
    public static final int CHANNEL_BUFFERED = 4;
    /** Object kind of the yielder of a generator entry. */
    public static final int YIELDER = Kinds.YIELDER;
    /** Object kind of a select entry. */
    public static final int SELECT = Kinds.SELECT;
    /** Coroutine entry concepts: what object the coroutine implements. */
    public static final int CONCEPT_GREENLET = 0;
    public static final int CONCEPT_GENERATOR = 1;
    /** Coroutine entry states. */
    public static final int CO_DEAD = 0;
    public static final int CO_SUSPENDED = 1;
    /** The main greenlet of the dumping thread: stands for the loading thread's main greenlet. */
    public static final int CO_MAIN = 2;
    /** Not started yet: links are {parent, run function}; created once both exist. */
    public static final int CO_UNSTARTED = 3;

    /** One woven method frames refer to. */
    public static final class MethodRef {
        public String className;
        public String name;
        public String desc;
        public boolean isStatic;
        public long fingerprint;
        public String file;
        public int[] lines;
        /** The sites' slot layouts when the pickle was made (for display: loading checks this program's). */
        public String layouts;

        public String display() {
            return className + "." + name + desc;
        }
    }

    /** One saved activation. */
    public static final class FrameRec {
        public int method;
        public int site;
        public int self;
        public int[] refs;
        public long[] prims;
    }

    public MethodRef[] methods;
    public int state;
    public int flags;
    public ObjectReader objects;
    public int tempval;
    public int body;
    public int channel;
    public int blocked;
    public FrameRec[] frames;
    /** Named roots: names and object ids, in order. */
    public String[] rootNames = new String[0];
    public int[] rootIds = new int[0];

    /**
     * Checks every frame against the slot layout this program's woven code has at the frame's
     * call site ({@code facts[i]} for method {@code i}, {@code owners[i]} its class), before
     * anything is created: the number of reference and primitive slots, each int or float slot's
     * range, each reference slot's class against the type the restore code casts it to, that
     * every frame but the innermost is suspended in a call whose result type accepts what the next
     * frame's method returns, and the tempval against the innermost call's result type. Throws
     * {@code NotPicklableException} ({@link PickleErrors}) naming the frame ({@code class.method(File:line)}) and the slot.
     */
    public void checkFrames(Class<?>[] owners, Fingerprints.Facts[] facts) {
        checkChain(frames, "", tempval, owners, facts);
        for (int id : objects.framedIds()) {
            // A greenlet's or generator's resume value is its mailbox, claimed when resumed: no tempval check.
            checkChain(objects.framesOf(id), "coroutine #" + id + " ", -1, owners, facts);
        }
    }

    private FrameRec[] chain;
    private String chainName;

    private void checkChain(FrameRec[] frames, String name, int tempval, Class<?>[] owners, Fingerprints.Facts[] facts) {
        chain = frames;
        chainName = name;
        for (int i = 0; i < frames.length; i++) {
            FrameRec fr = frames[i];
            MethodInfo.SiteLayout[] sites = facts[fr.method].sites();
            if (fr.site >= sites.length) {
                throw bad(i, "call site " + fr.site + ", but the woven method has " + sites.length);
            }
            MethodInfo.SiteLayout site = sites[fr.site];
            ClassLoader loader = owners[fr.method].getClassLoader();
            int nr = 0;
            int np = 0;
            List<String> slots = site.slots();
            for (String d : slots) {
                if (d.length() == 1) {
                    np++;
                } else {
                    nr++;
                }
            }
            if (nr != fr.refs.length || np != fr.prims.length) {
                throw bad(i, fr.refs.length + " reference and " + fr.prims.length + " primitive slots, but the woven "
                        + "code saves " + nr + " and " + np + " at call site " + fr.site + " (layout " + slots + ")");
            }
            int ri = 0;
            int pi = 0;
            for (int k = 0; k < slots.size(); k++) {
                String d = slots.get(k);
                if (d.length() == 1) {
                    long v = fr.prims[pi++];
                    boolean narrow = d.charAt(0) != 'J' && d.charAt(0) != 'D';
                    if (narrow && v != (int) v) {
                        throw bad(i, "slot #" + k + " (" + primName(d.charAt(0)) + ") holds " + v
                                + ", out of the 32-bit range");
                    }
                } else {
                    int id = fr.refs[ri++];
                    checkRef(i, "slot #" + k, d, id, loader);
                }
            }
            if (i < frames.length - 1) {
                // Rewind returns the next frame's result into this frame's call.
                if (!site.isCall()) {
                    throw bad(i, "a tick point (site " + fr.site + "), but frame " + (i + 1) + " is above it: only a "
                            + "call can have a frame above it");
                }
                String ret = methods[frames[i + 1].method].desc;
                ret = ret.substring(ret.indexOf(')') + 1);
                if (!compatible(site.result(), ret, loader, owners[frames[i + 1].method].getClassLoader())) {
                    throw bad(i, "a call returning " + site.result() + ", but the frame above it is "
                            + methods[frames[i + 1].method].display());
                }
            } else if (tempval >= 0 && site.isCall() && !site.result().equals("V")) {
                checkRef(i, "the tempval (what the suspended call returns)", box(site.result()), tempval, loader);
                if (tempval == 0 && site.result().length() == 1) {
                    throw bad(i, "the tempval is null, but the suspended call returns a " + primName(site.result().charAt(0)));
                }
            }
        }
    }

    private record Deferred(String where, String slot, Class<?> want, int id) {
    }

    private final List<Deferred> deferred = new ArrayList<>();

    /** After the objects are created: the checks {@link #checkFrames} could not make before (lambdas). */
    public void checkCreated() {
        for (Deferred d : deferred) {
            Object v = objects.get(d.id);
            if (v != null && !d.want.isInstance(v)) {
                throw PickleErrors.notPicklable(d.where + d.slot + " holds a " + v.getClass().getName()
                        + ", but the woven code expects a " + d.want.getName());
            }
        }
    }

    private String where(int frame) {
        FrameRec fr = chain[frame];
        MethodRef m = methods[fr.method];
        int line = fr.site < m.lines.length ? m.lines[fr.site] : 0;
        return "malformed or forged pickle: " + chainName + "frame " + frame + " "
                + new StackTraceElement(m.className, m.name, m.file.isEmpty() ? null : m.file, line > 0 ? line : -1)
                + ": ";
    }

    private RuntimeException bad(int frame, String what) {
        return PickleErrors.notPicklable(where(frame) + what);
    }

    private void checkRef(int frame, String slot, String desc, int id, ClassLoader loader) {
        if (id == 0) {
            return;
        }
        Class<?> c = objects.classOf(id);
        Class<?> want = declared(frame, desc, loader);
        if (c == null) {
            deferred.add(new Deferred(where(frame), slot, want, id)); // a lambda: its class exists once it is created
            return;
        }
        if (!want.isAssignableFrom(c)) {
            throw bad(frame, slot + " holds a " + c.getName() + ", but the woven code expects a " + want.getName());
        }
    }

    private Class<?> declared(int frame, String desc, ClassLoader loader) {
        try {
            return desc.length() == 1 ? MethodType.fromMethodDescriptorString("()" + desc, null).returnType()
                    : Class.forName(desc.charAt(0) == '[' ? desc.replace('/', '.')
                            : desc.substring(1, desc.length() - 1).replace('/', '.'), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw bad(frame, "the woven code's type " + desc + " cannot be loaded: " + e);
        }
    }

    /** The descriptor of the class a resume value of type {@code d} must have (boxes for primitives). */
    private static String box(String d) {
        if (d.length() != 1) {
            return d;
        }
        Class<?> p = MethodType.fromMethodDescriptorString("()" + d, null).returnType();
        return MethodType.methodType(p).wrap().returnType().descriptorString();
    }

    /** Whether a call site returning {@code site} accepts what a method returning {@code callee} returns. */
    private static boolean compatible(String site, String callee, ClassLoader siteLoader, ClassLoader calleeLoader) {
        if (site.equals("V") || site.equals(callee)) {
            return true;
        }
        // A primitive on one side, or two: the frame above was reached through a boxing, unboxing or
        // widening adapter that has no frame of its own (a method reference such as Jobs::count, or
        // an int method as a long interface, made by LambdaMetafactory). The runtime hands a resumed
        // value over boxed and the call site converts it as the adapter would have: the box, the
        // primitive out of its box, or that primitive widened. The weaver now routes such references
        // through a woven bridge (whose frame matches both sides exactly) unless they are
        // serializable, so this serves serializable references and code woven before the bridges.
        if (site.length() == 1) {
            char from = callee.length() == 1 ? callee.charAt(0) : unboxed(callee);
            return from == site.charAt(0) || WIDENS.getOrDefault(from, "").indexOf(site.charAt(0)) >= 0;
        }
        if (callee.length() == 1) {
            callee = box(callee); // the box must fit the site's type: checked below like any reference
        }
        try {
            Class<?> s = Class.forName(site.charAt(0) == '[' ? site.replace('/', '.')
                    : site.substring(1, site.length() - 1).replace('/', '.'), false, siteLoader);
            Class<?> c = Class.forName(callee.charAt(0) == '[' ? callee.replace('/', '.')
                    : callee.substring(1, callee.length() - 1).replace('/', '.'), false, calleeLoader);
            return s.isAssignableFrom(c); // covariant returns only: the resume code casts to the site's type
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Per primitive, the primitives it widens to (JLS 5.1.2), as the resume code converts. */
    private static final java.util.Map<Character, String> WIDENS = java.util.Map.of(
            'B', "SIJFD", 'S', "IJFD", 'C', "IJFD", 'I', "JFD", 'J', "FD", 'F', "D");

    /** The primitive a box descriptor holds, or 0 for any other descriptor. */
    private static char unboxed(String d) {
        return switch (d) {
            case "Ljava/lang/Integer;" -> 'I';
            case "Ljava/lang/Long;" -> 'J';
            case "Ljava/lang/Short;" -> 'S';
            case "Ljava/lang/Byte;" -> 'B';
            case "Ljava/lang/Character;" -> 'C';
            case "Ljava/lang/Boolean;" -> 'Z';
            case "Ljava/lang/Float;" -> 'F';
            case "Ljava/lang/Double;" -> 'D';
            default -> 0;
        };
    }

    private static String primName(char c) {
        return switch (c) {
            case 'I' -> "int";
            case 'F' -> "float";
            case 'J' -> "long";
            case 'D' -> "double";
            case 'Z' -> "boolean";
            case 'B' -> "byte";
            case 'C' -> "char";
            default -> "short";
        };
    }

    private static final int[] NO_REFS = new int[0];
    private static final long[] NO_PRIMS = new long[0];

    /** Reads {@code nf} frame records (the tasklet's, or a coroutine entry's); {@code n} bounds object ids. */
    static FrameRec[] readFrames(In in, int nf, MethodRef[] methods, int n) {
        FrameRec[] frames = new FrameRec[nf];
        for (int i = 0; i < nf; i++) {
            FrameRec fr = new FrameRec();
            fr.method = in.index("method index", methods.length);
            fr.site = in.index("call-site index", Math.max(1, methods[fr.method].lines.length));
            fr.self = in.index("receiver id", n);
            int nr = in.count("reference slot count", 1 << 16, 1);
            fr.refs = nr == 0 ? NO_REFS : new int[nr]; // shared empties: a frame record stays small
            for (int j = 0; j < nr; j++) {
                fr.refs[j] = in.index("object id", n);
            }
            int np = in.count("primitive slot count", 1 << 16, 1);
            fr.prims = np == 0 ? NO_PRIMS : new long[np];
            for (int j = 0; j < np; j++) {
                fr.prims[j] = in.svar();
            }
            frames[i] = fr;
        }
        return frames;
    }

    /** Writes frame records in the format {@link #readFrames} reads; {@code ids} maps each frame's objects. */
    public static void writeFrame(Out o, int method, int site, int self, int[] refs, long[] prims) {
        o.uvar(method);
        o.uvar(site);
        o.uvar(self);
        o.uvar(refs.length);
        for (int r : refs) {
            o.uvar(r);
        }
        o.uvar(prims.length);
        for (long v : prims) {
            o.svar(v);
        }
    }

    /**
     * Writes a string the method table may repeat (class and file names): uvar 0 and the string
     * the first time, then uvar k for the k-th string written this way.
     */
    public static void writeShared(Out o, String s, Map<String, Integer> written) {
        Integer k = written.get(s);
        if (k != null) {
            o.uvar(k);
            return;
        }
        o.uvar(0);
        o.str(s);
        written.put(s, written.size() + 1);
    }

    static String readShared(In in, List<String> read) {
        int k = in.index("shared string", read.size() + 1);
        if (k > 0) {
            return read.get(k - 1);
        }
        String s = in.str();
        read.add(s);
        return s;
    }

    /** Parses the whole payload; it must end exactly where the bytes do. */
    public static Payload parse(In in, Map<String, Class<?>> allowed, int maxObjects, int maxFrames) {
        Payload p = new Payload();
        int nm = in.count("method count", maxFrames, 4);
        p.methods = new MethodRef[nm];
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < nm; i++) {
            MethodRef m = new MethodRef();
            m.className = readShared(in, strings);
            m.name = in.str();
            m.desc = in.str();
            int f = in.u8();
            if (f > 1) {
                throw In.bad("method flags " + f);
            }
            m.isStatic = f == 1;
            m.fingerprint = in.fixed64();
            m.file = readShared(in, strings);
            int nl = in.count("line count", 1 << 16, 1);
            m.lines = new int[nl];
            for (int j = 0; j < nl; j++) {
                long l = in.uvar();
                if (l > Integer.MAX_VALUE) {
                    throw In.bad("line " + l);
                }
                m.lines[j] = (int) l;
            }
            m.layouts = in.str();
            p.methods[i] = m;
        }
        p.state = in.u8();
        if (p.state > SUSPENDED) {
            throw In.bad("tasklet state " + p.state);
        }
        p.flags = in.u8();
        if (p.flags > 3) {
            throw In.bad("tasklet flags " + p.flags);
        }
        p.objects = new ObjectReader(allowed, maxObjects);
        p.objects.methods = p.methods;
        p.objects.maxFrames = maxFrames;
        p.objects.parse(in);
        int n = p.objects.count() + 1;
        p.tempval = in.index("tempval id", n);
        p.body = in.index("body id", n);
        int nf = in.count("frame count", maxFrames - p.objects.framesRead, 5);
        if ((nf > 0) != (p.state == SUSPENDED)) {
            throw In.bad(nf + " frames in tasklet state " + p.state);
        }
        p.frames = readFrames(in, nf, p.methods, n);
        p.channel = in.index("channel id", n);
        long b = in.svar();
        if (b < -1 || b > 1 || (b != 0 && p.channel == 0)) { // 0 with a channel id: blocked in a select
            throw In.bad("blocked direction " + b);
        }
        p.blocked = (int) b;
        int nn = in.count("named root count", n, 2);
        p.rootNames = new String[nn];
        p.rootIds = new int[nn];
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < nn; i++) {
            p.rootNames[i] = in.str();
            if (!seen.add(p.rootNames[i])) {
                throw In.bad("named root " + p.rootNames[i] + " twice");
            }
            p.rootIds[i] = in.index("named root id", n);
        }
        if (!in.atEnd()) {
            throw In.bad(in.remaining() + " unexpected bytes after the frames");
        }
        return p;
    }
}
