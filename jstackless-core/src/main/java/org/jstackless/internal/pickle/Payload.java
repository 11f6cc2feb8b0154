package org.jstackless.internal.pickle;

import java.util.Map;

/**
 * The decoded payload of a pickle, as flat data (no object of the program is created here):
 *
 * <pre>
 *   methods  count, then per method: class, name, descriptor, flags (1 = static), fingerprint (u64),
 *            source file, call-site lines
 *   state    u8 (BOUND, UNSTARTED, SUSPENDED), u8 flags (1 atomic, 2 block trap)
 *   objects  the {@link ObjectWriter} table
 *   roots    tempval id, body id
 *   frames   count, then per frame, outermost first: method index, call-site index, receiver id,
 *            reference slots (count, ids), primitive slots (count, zigzag longs)
 *   channel  id of the channel the tasklet is blocked on (0: none or not pickled), direction (zigzag)
 * </pre>
 */
public final class Payload {
    public static final int BOUND = 0;
    public static final int UNSTARTED = 1;
    public static final int SUSPENDED = 2;

    /** One woven method frames refer to. */
    public static final class MethodRef {
        public String className;
        public String name;
        public String desc;
        public boolean isStatic;
        public long fingerprint;
        public String file;
        public int[] lines;

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

    /** Parses the whole payload; it must end exactly where the bytes do. */
    public static Payload parse(In in, Map<String, Class<?>> allowed, int maxObjects, int maxFrames) {
        Payload p = new Payload();
        int nm = in.count("method count", maxFrames, 4);
        p.methods = new MethodRef[nm];
        for (int i = 0; i < nm; i++) {
            MethodRef m = new MethodRef();
            m.className = in.str();
            m.name = in.str();
            m.desc = in.str();
            int f = in.u8();
            if (f > 1) {
                throw In.bad("method flags " + f);
            }
            m.isStatic = f == 1;
            m.fingerprint = in.fixed64();
            m.file = in.str();
            int nl = in.count("line count", 1 << 16, 1);
            m.lines = new int[nl];
            for (int j = 0; j < nl; j++) {
                long l = in.uvar();
                if (l > Integer.MAX_VALUE) {
                    throw In.bad("line " + l);
                }
                m.lines[j] = (int) l;
            }
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
        p.objects.parse(in);
        int n = p.objects.count() + 1;
        p.tempval = in.index("tempval id", n);
        p.body = in.index("body id", n);
        int nf = in.count("frame count", maxFrames, 5);
        if ((nf > 0) != (p.state == SUSPENDED)) {
            throw In.bad(nf + " frames in tasklet state " + p.state);
        }
        p.frames = new FrameRec[nf];
        for (int i = 0; i < nf; i++) {
            FrameRec fr = new FrameRec();
            fr.method = in.index("method index", nm);
            fr.site = in.index("call-site index", Math.max(1, p.methods[fr.method].lines.length));
            fr.self = in.index("receiver id", n);
            int nr = in.count("reference slot count", 1 << 16, 1);
            fr.refs = new int[nr];
            for (int j = 0; j < nr; j++) {
                fr.refs[j] = in.index("object id", n);
            }
            int np = in.count("primitive slot count", 1 << 16, 1);
            fr.prims = new long[np];
            for (int j = 0; j < np; j++) {
                fr.prims[j] = in.svar();
            }
            p.frames[i] = fr;
        }
        p.channel = in.index("channel id", n);
        long b = in.svar();
        if (b < -1 || b > 1 || (b != 0) != (p.channel != 0)) {
            throw In.bad("blocked direction " + b);
        }
        p.blocked = (int) b;
        if (!in.atEnd()) {
            throw In.bad(in.remaining() + " unexpected bytes after the frames");
        }
        return p;
    }
}
