package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jstackless.Channel;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.pickle.Envelope;
import org.jstackless.internal.pickle.Out;
import org.jstackless.internal.pickle.Payload;
import org.junit.jupiter.api.Test;

/**
 * Mutated pickles: bit flips, truncations, huge length fields, and content changed then signed
 * again with the right key — random bytes, planted varints, a cut or extended payload, and
 * frames whose slots, sites, methods or tempval were changed. Every load must end in
 * NotPicklableException or succeed: never another exception type, an error or a hang; an unsigned
 * change never loads; and a forged pickle that loads must also run without a type error (a
 * ClassCastException, LinkageError, … from a slot that does not match the woven code's layout):
 * what is left is content a real program could have had (another allowed object, another number,
 * a null).
 */
class PickleFuzzTest {
    enum E { A, B }

    record R(int i, String s, E e, List<Object> l) {
    }

    record Pair(Object a, Object b) {
    }

    static void work(Channel<Object> ch, R r, Map<String, Object> m, long[] a, double d) throws Suspendable {
        Object got = ch.receive();
        m.put("got", got);
        m.put("balance", ch.balance()); // keeps ch live: the channel is pickled, the copy comes back blocked
        a[0] += (long) d + r.i();
    }

    static void outer(Channel<Object> ch, int depth) throws Suspendable {
        if (depth > 0) {
            outer(ch, depth - 1);
            return;
        }
        Map<String, Object> m = new HashMap<>(Map.of("k", 1, "s", "str"));
        List<Object> l = new ArrayList<>(List.of(1L, 2.0f, 'c', (short) 3, (byte) 4, true));
        l.add(l);
        work(ch, new R(5, "r", E.B, l), m, new long[] {1, 2, 3}, 2.5);
    }

    /**
     * What a frame that does not match its call site's layout causes when it runs (a value of the
     * wrong class cast by the restore code, fewer slots than the restore code reads, a frame above
     * a tick point, …): none may happen when an accepted pickle runs. Index errors count because
     * this job's only array ({@code long[3]}) is never shortened by a mutation: one means a frame
     * with too few slots. A NullPointerException does not count: a null in a reference slot is
     * content a real run could have had (the residual class the layout cannot exclude).
     */
    static final List<Class<? extends Throwable>> TYPE_ERRORS = List.of(ClassCastException.class, LinkageError.class,
            ArrayStoreException.class, IndexOutOfBoundsException.class, IllegalArgumentException.class,
            IllegalStateException.class);

    static final int KINDS = 7;
    static final int PER_KIND = 2000;

    static Map<String, Class<?>> allowedMap() {
        Map<String, Class<?>> m = new HashMap<>();
        for (Class<?> c : List.of(PickleFuzzTest.class, R.class, E.class)) {
            m.put(c.getName(), c);
        }
        return m;
    }

    /** The roots section of a payload (tempval, body, frames, channel), encoded as Pickler writes it. */
    static byte[] roots(Payload p) {
        Out o = new Out();
        o.uvar(p.tempval);
        o.uvar(p.body);
        o.uvar(p.frames.length);
        for (Payload.FrameRec f : p.frames) {
            o.uvar(f.method);
            o.uvar(f.site);
            o.uvar(f.self);
            o.uvar(f.refs.length);
            for (int r : f.refs) {
                o.uvar(r);
            }
            o.uvar(f.prims.length);
            for (long v : f.prims) {
                o.svar(v);
            }
        }
        o.uvar(p.channel);
        o.svar(p.blocked);
        o.uvar(p.rootNames.length);
        for (int i = 0; i < p.rootNames.length; i++) {
            o.str(p.rootNames[i]);
            o.uvar(p.rootIds[i]);
        }
        return o.toByteArray();
    }

    /**
     * A copy of {@code p} whose frames are changed in a way that still decodes: a reference slot
     * pointing to another object, a primitive slot with another value, a slot added or dropped, a
     * frame's call site or method changed, or the tempval replaced.
     */
    static Payload mutateFrames(Payload p, SplittableRandom rnd) {
        Payload q = new Payload();
        q.methods = p.methods;
        q.state = p.state;
        q.flags = p.flags;
        q.objects = p.objects;
        q.tempval = p.tempval;
        q.body = p.body;
        q.channel = p.channel;
        q.blocked = p.blocked;
        q.rootNames = p.rootNames;
        q.rootIds = p.rootIds;
        q.frames = new Payload.FrameRec[p.frames.length];
        for (int i = 0; i < q.frames.length; i++) {
            Payload.FrameRec f = p.frames[i];
            Payload.FrameRec g = new Payload.FrameRec();
            g.method = f.method;
            g.site = f.site;
            g.self = f.self;
            g.refs = f.refs.clone();
            g.prims = f.prims.clone();
            q.frames[i] = g;
        }
        int n = p.objects.count();
        for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
            Payload.FrameRec g = q.frames[rnd.nextInt(q.frames.length)];
            switch (rnd.nextInt(7)) {
                case 0 -> {
                    if (g.refs.length > 0) {
                        g.refs[rnd.nextInt(g.refs.length)] = rnd.nextInt(n + 1);
                    }
                }
                case 1 -> {
                    if (g.prims.length > 0) {
                        g.prims[rnd.nextInt(g.prims.length)] = rnd.nextBoolean() ? rnd.nextLong() : rnd.nextInt();
                    }
                }
                case 2 -> g.refs = Arrays.copyOf(g.refs, Math.max(0, g.refs.length + (rnd.nextBoolean() ? 1 : -1)));
                case 3 -> g.prims = Arrays.copyOf(g.prims, Math.max(0, g.prims.length + (rnd.nextBoolean() ? 1 : -1)));
                case 4 -> g.site = rnd.nextInt(p.methods[g.method].lines.length);
                case 5 -> g.method = rnd.nextInt(p.methods.length);
                default -> q.tempval = rnd.nextInt(n + 1);
            }
        }
        return q;
    }

    static byte[] reseal(byte[] p) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PickleTestSupport.KEY, "HmacSHA256"));
        mac.update(p, 0, p.length - 32);
        byte[] r = p.clone();
        System.arraycopy(mac.doFinal(), 0, r, p.length - 32, 32);
        return r;
    }

    @Test
    @SuppressWarnings("unchecked")
    void fourteenThousandMutatedPicklesEndInTheDocumentedExceptionOrRunCleanly() throws Exception {
        // Replays accepted: every mutation has the good pickle's tasklet identity and sequence.
        Pickler pickler = PickleTestSupport.builder(PickleFuzzTest.class, R.class, E.class).acceptReplays().build();
        long seed = System.nanoTime();
        int[] counts = new int[KINDS];
        Map<String, Integer> runFailures = new java.util.TreeMap<>();
        int[] completed = {0};
        List<String> failures = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> outer(ch, 3));
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            byte[] good = pickler.dumps(t);
            assertThat(pickler.loads(good).isBlocked()).isTrue();
            SplittableRandom rnd = new SplittableRandom(seed);
            Payload parsed = Payload.parse(Envelope.payload(good), allowedMap(), 1 << 20, 1 << 20);
            byte[] roots = roots(parsed);
            int prefix = good.length - 32 - roots.length; // the roots section ends the payload
            assertThat(Arrays.copyOfRange(good, prefix, good.length - 32)).isEqualTo(roots);
            for (int i = 0; i < KINDS * PER_KIND; i++) {
                int kind = i % KINDS;
                byte[] b;
                switch (kind) {
                    case 0 -> { // bit flips
                        b = good.clone();
                        for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                            int pos = rnd.nextInt(b.length);
                            b[pos] ^= (byte) (1 << rnd.nextInt(8));
                        }
                    }
                    case 1 -> b = Arrays.copyOf(good, rnd.nextInt(good.length)); // truncation
                    case 2 -> { // huge or negative payload length in the header
                        b = good.clone();
                        int v = rnd.nextBoolean() ? Integer.MAX_VALUE - rnd.nextInt(100) : -1 - rnd.nextInt(1000);
                        for (int k = 0; k < 4; k++) {
                            b[Envelope.LENGTH_AT + k] = (byte) (v >>> (24 - 8 * k));
                        }
                    }
                    case 3 -> { // right key, random content changes
                        b = good.clone();
                        for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                            b[Envelope.HEADER + rnd.nextInt(b.length - Envelope.HEADER - 32)] = (byte) rnd.nextInt(256);
                        }
                        b = reseal(b);
                    }
                    case 4 -> { // right key, a huge varint (length, count or id) planted in the payload
                        b = good.clone();
                        int pos = Envelope.HEADER + rnd.nextInt(b.length - Envelope.HEADER - 32 - 5);
                        byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) (rnd.nextInt(16))};
                        System.arraycopy(huge, 0, b, pos, 1 + rnd.nextInt(5));
                        b = reseal(b);
                    }
                    case 6 -> { // right key, the frames' slots, sites, methods or the tempval changed
                        byte[] r = roots(mutateFrames(parsed, rnd));
                        b = new byte[prefix + r.length + 32];
                        System.arraycopy(good, 0, b, 0, prefix);
                        System.arraycopy(r, 0, b, prefix, r.length);
                        int pl = b.length - Envelope.HEADER - 32;
                        for (int k = 0; k < 4; k++) {
                            b[Envelope.LENGTH_AT + k] = (byte) (pl >>> (24 - 8 * k));
                        }
                        b = reseal(b);
                    }
                    default -> { // right key, payload cut or extended, header fixed up
                        int len = Envelope.HEADER + rnd.nextInt(good.length - Envelope.HEADER - 32 + 8);
                        b = new byte[len + 32];
                        System.arraycopy(good, 0, b, 0, Math.min(len, good.length - 32));
                        int pl = len - Envelope.HEADER;
                        for (int k = 0; k < 4; k++) {
                            b[Envelope.LENGTH_AT + k] = (byte) (pl >>> (24 - 8 * k));
                        }
                        b = reseal(b);
                    }
                }
                Tasklet u;
                try {
                    u = pickler.loads(b);
                    if (kind < 3 && !Arrays.equals(b, good)) {
                        failures.add("kind " + kind + " #" + i + ": an unsigned change was accepted");
                    }
                    if (kind >= 3 || !Arrays.equals(b, good)) {
                        counts[kind]++; // a mutation that happened to change nothing (a bit flipped twice) is no acceptance
                    }
                } catch (NotPicklableException e) {
                    continue; // documented
                } catch (Throwable e) {
                    failures.add("kind " + kind + " #" + i + ": " + e);
                    continue;
                }
                // Accepted: it must also run without a type error (what the layout checks at load prevent).
                try {
                    if (u.isBlocked()) {
                        Channel<Object> c = (Channel<Object>) u.blockedOn();
                        if (c.balance() < 0) {
                            c.send("resumed");
                        } else {
                            c.receive();
                        }
                    } else {
                        u.insert();
                    }
                    for (int k = 0; k < 20 && u.isAlive(); k++) {
                        Stackless.schedule();
                    }
                    if (u.isAlive()) {
                        u.kill();
                    } else {
                        completed[0]++;
                    }
                } catch (NotPicklableException e) {
                    // documented
                } catch (Throwable e) {
                    StackTraceElement[] st = e.getStackTrace();
                    runFailures.merge(e.getClass().getSimpleName() + " at " + (st.length > 0 ? st[0] : "?"), 1,
                            Integer::sum);
                    if (TYPE_ERRORS.stream().anyMatch(c -> c.isInstance(e))) {
                        failures.add("kind " + kind + " #" + i + ": loaded, then failed with a type error when run: " + e);
                    }
                    if (u.isAlive()) {
                        u.kill();
                    }
                }
            }
            t.kill();
        });
        System.out.println("fuzz seed " + seed + ": accepted per kind " + Arrays.toString(counts) + " of " + PER_KIND + " each; "
                + completed[0] + " of them ran to the end; failed when run: " + runFailures);
        assertThat(failures).as("seed " + seed).isEmpty();
        assertThat(counts[0] + counts[1] + counts[2]).isZero();
    }

    /**
     * A pickle holding a suspended greenlet (its frames, parent and mailbox live in the object
     * table): 3,000 more mutations — bit flips, random bytes and planted varints, the last two
     * signed again with the right key. Same contract: NotPicklableException or a load that runs
     * without a type error.
     */
    @Test
    void threeThousandMutatedGreenletPicklesEndInTheDocumentedExceptionOrRunCleanly() throws Exception {
        Pickler pickler = PickleTestSupport.builder(PickleGreenletTest.class).acceptReplays().build();
        byte[] good = PickleGreenletTest.dumpSuspendedInReceive();
        long seed = System.nanoTime();
        int[] accepted = new int[3];
        Map<String, Integer> runFailures = new java.util.TreeMap<>();
        List<String> failures = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(seed);
        Stackless.runAsMain(() -> {
            for (int i = 0; i < 3000; i++) {
                int kind = i % 3;
                byte[] b = good.clone();
                switch (kind) {
                    case 0 -> {
                        for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                            b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                        }
                    }
                    case 1 -> {
                        for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                            b[Envelope.HEADER + rnd.nextInt(b.length - Envelope.HEADER - 32)] = (byte) rnd.nextInt(256);
                        }
                        b = reseal(b);
                    }
                    default -> {
                        int pos = Envelope.HEADER + rnd.nextInt(b.length - Envelope.HEADER - 32 - 5);
                        byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) (rnd.nextInt(16))};
                        System.arraycopy(huge, 0, b, pos, 1 + rnd.nextInt(5));
                        b = reseal(b);
                    }
                }
                Tasklet u;
                try {
                    u = pickler.loads(b);
                } catch (NotPicklableException e) {
                    continue;
                } catch (Throwable e) {
                    failures.add("kind " + kind + " #" + i + ": " + e);
                    continue;
                }
                if (kind == 0 && !Arrays.equals(b, good)) {
                    failures.add("#" + i + ": an unsigned change was accepted");
                }
                accepted[kind]++;
                try {
                    if (u.isBlocked()) {
                        u.kill();
                        continue;
                    }
                    u.setTempval(5);
                    u.insert();
                    for (int k = 0; k < 20 && u.isAlive(); k++) {
                        Stackless.schedule();
                    }
                    if (u.isAlive()) {
                        u.kill();
                    }
                } catch (Throwable e) {
                    StackTraceElement[] st = e.getStackTrace();
                    runFailures.merge(e.getClass().getSimpleName() + " at " + (st.length > 0 ? st[0] : "?"), 1,
                            Integer::sum);
                    if (TYPE_ERRORS.stream().anyMatch(c -> c.isInstance(e))) {
                        failures.add("kind " + kind + " #" + i + ": loaded, then failed with a type error when run: " + e);
                    }
                    if (u.isAlive()) {
                        u.kill();
                    }
                }
            }
        });
        System.out.println("greenlet fuzz seed " + seed + ": accepted per kind " + Arrays.toString(accepted)
                + " of 1000 each; failed when run: " + runFailures);
        assertThat(failures).as("seed " + seed).isEmpty();
    }

    // ---------------------------------------------------------------- crafted inputs (issue 13's hardening cases)

    /** A payload signed with the right key: what an attacker holding the key, or a bug, could produce. */
    static byte[] signed(Out payload) {
        return Envelope.seal(PickleTestSupport.KEY, Envelope.programFingerprint(""), 0x1234, 0x5678, 1,
                payload.toByteArray());
    }

    /** The start of a payload: no methods, a bound tasklet, the given class count 0 and object count. */
    static Out payloadWithObjects(int objects) {
        Out o = new Out();
        o.uvar(0); // methods
        o.u8(Payload.BOUND);
        o.u8(0); // flags
        o.uvar(0); // classes
        o.uvar(objects);
        return o;
    }

    /** The roots section of a bound tasklet: tempval, body, no frames, no channel, no named roots. */
    static void boundRoots(Out o, int tempval, int body) {
        o.uvar(tempval);
        o.uvar(body);
        o.uvar(0);
        o.uvar(0);
        o.svar(0);
        o.uvar(0);
    }

    /** This thread's allocated bytes (HotSpot's ThreadMXBean; by reflection: tests compile inside the core module). */
    static long allocated() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes")
                    .invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Loads and describes {@code b}: each must end normally or in NotPicklableException, within
     * seconds and allocating at most 8 bytes per input byte plus 64 MiB. Returns the load's
     * exception message (null if it loaded).
     */
    static String loadAndDescribe(Pickler p, byte[] b) throws Exception {
        String[] msg = {null};
        Stackless.runAsMain(() -> {
            long bound = 8L * b.length + (64L << 20);
            long t0 = System.nanoTime();
            long a0 = allocated();
            try {
                p.loads(b).kill();
            } catch (NotPicklableException e) {
                msg[0] = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            long a1 = allocated();
            assertThat(a1 - a0).as("bytes allocated by loads of a %d-byte pickle", b.length).isLessThan(bound);
            try {
                Pickler.describe(b, PickleTestSupport.KEY);
            } catch (NotPicklableException e) {
                // the inspector may refuse too
            }
            assertThat(allocated() - a1).as("bytes allocated by describe of a %d-byte pickle", b.length).isLessThan(bound);
            assertThat(System.nanoTime() - t0).as("nanoseconds").isLessThan(20_000_000_000L);
        });
        return msg[0];
    }

    @Test
    void craftedPicklesEndInNotPicklableExceptionInBoundedTimeAndMemory() throws Exception {
        Pickler p = PickleTestSupport.builder().acceptReplays().build();

        // A greenlet whose run function is itself (80 bytes): describe used to overflow the stack.
        Out g = payloadWithObjects(1);
        g.u8(20); // COROUTINE
        g.u8(Payload.CONCEPT_GREENLET);
        g.u8(Payload.CO_UNSTARTED);
        g.uvar(1); // parent: itself
        g.uvar(1); // run function: itself
        g.uvar(0);
        boundRoots(g, 0, 1);
        byte[] selfRun = signed(g);
        assertThat(Pickler.describe(selfRun, null)).contains("greenlet #1 (not started, parent #1, run #1)");
        assertThat(loadAndDescribe(p, selfRun)).contains("cycle");

        // 30 MB claiming 30 million one-byte objects (the tasklet itself): used to take ~21 bytes of heap per byte.
        int many = 30_000_000;
        Out big = payloadWithObjects(many);
        byte[] selves = new byte[many];
        Arrays.fill(selves, (byte) 18);
        big.bytes(selves);
        boundRoots(big, 0, 0);
        assertThat(loadAndDescribe(p, signed(big))).contains("object count 30000000 exceeds the limit");
        assertThat(Pickler.describe(signed(big), null)).contains("payload cannot be decoded", "exceeds the limit");

        // A 30 MB string: decoded once, described by its first characters.
        Out str = payloadWithObjects(1);
        str.u8(1);
        str.str("x".repeat(30 << 20));
        boundRoots(str, 1, 0);
        assertThat(loadAndDescribe(p, signed(str))).contains("malformed pickle: the body is a null");

        // A map keyed by a list that contains itself, the list reached first: #1 = [#1, #2], #2 = {#1: "v"}.
        Out cyc = payloadWithObjects(3);
        cyc.u8(14);
        cyc.uvar(2);
        cyc.uvar(1);
        cyc.uvar(2);
        cyc.u8(15);
        cyc.uvar(1);
        cyc.uvar(1);
        cyc.uvar(3);
        cyc.u8(1);
        cyc.str("v");
        boundRoots(cyc, 1, 0);
        assertThat(loadAndDescribe(p, signed(cyc))).contains("map #2 has a key", "contains itself");

        // A key list deepened after insertion: #1 = {#2: null}, #2 = [#3], #3 = [#4], ... 20,000 levels.
        int depth = 20_000;
        Out deep = payloadWithObjects(depth + 1);
        deep.u8(15);
        deep.uvar(1);
        deep.uvar(2);
        deep.uvar(0);
        for (int id = 2; id <= depth + 1; id++) {
            deep.u8(14);
            if (id <= depth) {
                deep.uvar(1);
                deep.uvar(id + 1);
            } else {
                deep.uvar(0);
            }
        }
        boundRoots(deep, 1, 0);
        assertThat(loadAndDescribe(p, signed(deep))).contains("map #1 has a key", "levels deep");

        // A key of shared sublists, 64 bytes that would take 2^64 steps to hash: #2 = [#3, #3], #3 = [#4, #4], ...
        Out dag = payloadWithObjects(66);
        dag.u8(15);
        dag.uvar(1);
        dag.uvar(2);
        dag.uvar(0);
        for (int id = 2; id <= 66; id++) {
            dag.u8(14);
            if (id < 66) {
                dag.uvar(2);
                dag.uvar(id + 1);
                dag.uvar(id + 1);
            } else {
                dag.uvar(0);
            }
        }
        boundRoots(dag, 1, 0);
        assertThat(loadAndDescribe(p, signed(dag))).contains("map #1 has a key", "steps");

        // A long[] of 8 million one-byte elements: used to become 64 MB of heap; elements are 8 bytes each now.
        int n = 8_000_000;
        Out longs = payloadWithObjects(1);
        longs.u8(12);
        longs.u8(5);
        longs.uvar(n);
        longs.bytes(new byte[n]);
        boundRoots(longs, 1, 0);
        assertThat(loadAndDescribe(p, signed(longs))).contains("array length 8000000 exceeds the bytes left");
        // The same array written by the pickler (fixed width) loads, in memory equal to its bytes.
        Out ok = payloadWithObjects(1);
        ok.u8(12);
        ok.u8(5);
        ok.uvar(n / 8);
        ok.bytes(new byte[n]);
        boundRoots(ok, 0, 1);
        assertThat(loadAndDescribe(p, signed(ok))).contains("malformed pickle: the body is a [J");
    }

    @Test
    void aThirtyMegabytePickleOfFramesIsDescribedInBoundedMemory() throws Exception {
        // 500 frames of 60,000 reference slots each: the description of every slot would take ~900 MB.
        Out o = new Out();
        o.uvar(1);
        o.uvar(0); // a new shared string: the class
        o.str("app.Gone");
        o.str("m");
        o.str("()V");
        o.u8(1);
        o.fixed64(0);
        o.uvar(0); // a new shared string: the file
        o.str("");
        o.uvar(1);
        o.uvar(0);
        o.str("");
        o.u8(Payload.SUSPENDED);
        o.u8(0);
        o.uvar(0);
        o.uvar(1);
        o.u8(1);
        o.str("s");
        o.uvar(0);
        o.uvar(0);
        int frames = 500;
        int slots = 60_000;
        o.uvar(frames);
        byte[] ones = new byte[slots];
        Arrays.fill(ones, (byte) 1);
        for (int i = 0; i < frames; i++) {
            o.uvar(0);
            o.uvar(0);
            o.uvar(0);
            o.uvar(slots);
            o.bytes(ones);
            o.uvar(0);
        }
        o.uvar(0);
        o.svar(0);
        o.uvar(0);
        byte[] b = signed(o);
        assertThat(b.length).isGreaterThan(30_000_000);
        String d = Pickler.describe(b, null);
        assertThat(d).contains("frames          500 (innermost first)", "at app.Gone.m(Unknown Source)",
                "description cut at");
        assertThat(loadAndDescribe(PickleTestSupport.builder().acceptReplays().build(), b))
                .contains("code of class app.Gone, which this program does not have");
    }

    @Test
    void manyCyclesBehindStuckRecordsLoadInLinearTime() throws Exception {
        // K records wait on a chain X_1 .. X_M of records, X_j = Pair(C_j, X_j+1), where C_j = Pair(L_j, null) and
        // L_j = [C_j] form M cycles, each broken by one pick. Picking by scanning the pending objects took K x M steps.
        int k = 60_000;
        int m = 60_000;
        int rBase = 1;
        int xBase = rBase + k;
        int cBase = xBase + m;
        int lBase = cBase + m;
        int n = lBase + m - 1;
        Out o = new Out();
        o.uvar(0);
        o.u8(Payload.BOUND);
        o.u8(0);
        o.uvar(1);
        o.str(Pair.class.getName());
        o.uvar(0);
        o.uvar(n);
        for (int i = 0; i < k; i++) {
            pair(o, xBase, 0);
        }
        for (int j = 0; j < m; j++) {
            pair(o, cBase + j, j + 1 < m ? xBase + j + 1 : 0);
        }
        for (int j = 0; j < m; j++) {
            pair(o, lBase + j, 0);
        }
        for (int j = 0; j < m; j++) {
            o.u8(14);
            o.uvar(1);
            o.uvar(cBase + j);
        }
        boundRoots(o, 0, 1);
        Pickler p = PickleTestSupport.builder(Pair.class).acceptReplays().build();
        long t0 = System.nanoTime();
        assertThat(loadAndDescribe(p, signed(o))).contains("the body is a " + Pair.class.getName());
        assertThat(System.nanoTime() - t0).as("nanoseconds").isLessThan(10_000_000_000L);
    }

    private static void pair(Out o, int a, int b) {
        o.u8(11); // RECORD
        o.uvar(0);
        o.uvar(2);
        o.uvar(a);
        o.uvar(b);
    }

    static void holdsKey(List<Object> l) throws Suspendable {
        Stackless.schedule();
        l.size();
    }

    @Test
    void mapKeysThatCannotBeHashedAgainAreRefusedWhenDumping() throws Exception {
        Pickler p = PickleTestSupport.builder().build();
        Stackless.runAsMain(() -> {
            // Keyed by a list that then got itself as an element (its hash code is now undefined).
            List<Object> l = new ArrayList<>();
            Map<Object, Object> m = new HashMap<>();
            m.put(l, "v");
            l.add(l);
            l.add(m);
            Tasklet t = Tasklet.spawn(() -> holdsKey(l));
            t.run();
            assertThatThrownBy(() -> p.dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("cannot pickle an object of class java.util.HashMap")
                    .hasMessageContaining("one of its keys, a java.util.ArrayList, cannot be hashed again")
                    .hasMessageContaining("contains itself");
            t.kill();
            // Keyed by a list deepened after insertion.
            List<Object> k = new ArrayList<>();
            Map<Object, Object> m2 = new HashMap<>();
            m2.put(k, 1);
            List<Object> at = k;
            for (int i = 0; i < 5000; i++) {
                List<Object> next = new ArrayList<>();
                at.add(next);
                at = next;
            }
            List<Object> holder = new ArrayList<>(List.of(m2));
            Tasklet u = Tasklet.spawn(() -> holdsKey(holder));
            u.run();
            assertThatThrownBy(() -> p.dumps(u)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("nested 5001 levels deep");
            u.kill();
        });
    }
}
