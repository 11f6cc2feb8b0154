package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.pickle.PickleTestSupport.KEY;
import static org.jstackless.pickle.PickleTestSupport.OUT;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jstackless.Channel;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.pickle.Envelope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a user writes: frames of their own (woven) classes without allow-listing the code, and
 * ordinary classes (private and final fields, no no-arg constructor, inheritance, transient
 * fields) pickled field by field without running constructors.
 */
class PickleUserCodeTest {
    static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    /** A user's ordinary class: private final and mutable fields, a transient cache, no no-arg constructor. */
    static class Account {
        private final String owner;
        private long balance;
        private transient int cache = 7;
        final List<String> history = new ArrayList<>();

        Account(String owner, long balance) {
            this.owner = owner;
            this.balance = balance;
            CONSTRUCTED.incrementAndGet();
        }

        void deposit(long v) {
            balance += v;
            history.add("+" + v);
        }

        @Override
        public String toString() {
            return owner + ":" + balance + ":" + cache + ":" + history;
        }
    }

    /** Inheritance: a subclass with its own final field; the superclass is not allowed separately. */
    static final class Savings extends Account {
        private final double rate;
        Savings partner; // may point back: a cycle through plain objects

        Savings(String owner, long balance, double rate) {
            super(owner, balance);
            this.rate = rate;
        }

        @Override
        public String toString() {
            return super.toString() + "@" + rate + (partner == this ? " self" : "");
        }
    }

    static final class NotAllowed {
    }

    /** Has a field whose value's class is not allowed. */
    static final class Holder {
        private Object thing = new NotAllowed();
    }

    @BeforeEach
    void clear() {
        OUT.clear();
        CONSTRUCTED.set(0);
    }

    static void recurs(Channel<String> ch, int depth, int level) throws Suspendable {
        OUT.add("enter " + level);
        if (level >= depth) {
            ch.send("hi");
        } else {
            recurs(ch, depth, level + 1);
        }
        OUT.add("leave " + level);
    }

    @Test
    void theSeedDemoBuilderPicklesUserCodeWithoutAllowingIt() throws Exception {
        // DESIGN.md section 4: only data classes are allowed; this test class (the frames' code) is not.
        Pickler p = Pickler.builder().allow(String.class, Integer.class).signingKey(KEY).build();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> recurs(ch, 5, 1));
            assertThat(ch.receive()).isEqualTo("hi");
            b[0] = p.dumps(t);
            t.kill();
        });
        OUT.clear();
        Stackless.runAsMain(() -> {
            Tasklet u = p.loads(b[0]);
            u.insert();
            Stackless.run();
        });
        assertThat(OUT).containsExactly("leave 5", "leave 4", "leave 3", "leave 2", "leave 1");
    }

    static void keeps(Savings s) throws Suspendable {
        Stackless.schedule();
        s.deposit(5);
        OUT.add(s.toString());
    }

    @Test
    void plainClassesPickleFieldByFieldWithoutRunningConstructors() throws Exception {
        Pickler p = PickleTestSupport.builder(Savings.class).build();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Savings s = new Savings("ann", 100, 0.5);
            s.deposit(10);
            s.partner = s;
            Tasklet t = Tasklet.spawn(() -> keeps(s));
            t.run();
            b[0] = p.dumps(t);
            t.kill();
        });
        assertThat(CONSTRUCTED.get()).isEqualTo(1);
        assertThat(Pickler.describe(b[0], KEY)).contains(Savings.class.getName() + " #");
        Stackless.runAsMain(() -> {
            Tasklet u = p.loads(b[0]);
            u.insert();
            Stackless.run();
        });
        // Final fields restored, the superclass's fields too, transient back to its default (0, not 7), the cycle kept.
        assertThat(OUT).containsExactly("ann:115:0:[+10, +5]@0.5 self");
        assertThat(CONSTRUCTED.get()).as("no constructor ran on load").isEqualTo(1);
    }

    /** A user's functional interface whose method returns a reference type. */
    interface Job extends java.io.Serializable {
        Object call() throws Suspendable;
    }

    /** Suspends, then returns an {@code int}: as {@code Job}, a method reference to it is a boxing adapter. */
    static int count() throws Suspendable {
        Stackless.schedule();
        return 42;
    }

    static long countLong() throws Suspendable {
        Stackless.schedule();
        return 7L;
    }

    static Integer boxed() throws Suspendable {
        Stackless.schedule();
        return 9;
    }

    /** A user's functional interface whose method returns a primitive. */
    interface IntJob extends java.io.Serializable {
        int call() throws Suspendable;
    }

    @Test
    void aMethodReferenceThatBoxesOrUnboxesTheResultPicklesAndResumes() throws Exception {
        // The adapter that LambdaMetafactory makes for PickleUserCodeTest::count has no frame of its
        // own: the woven caller's call site (returning Object) is resumed with count's int, which the
        // runtime hands over boxed, exactly what the adapter does. The load check must accept that.
        Pickler p = PickleTestSupport.builder(Long.class).acceptReplays().build();
        List<byte[]> pickles = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> {
                Job j = PickleUserCodeTest::count;     // int -> Object: boxed by the adapter
                Job l = PickleUserCodeTest::countLong; // long -> Object
                IntJob u = PickleUserCodeTest::boxed;  // Integer -> int: unboxed by the adapter
                Object first = j.call();
                Object second = l.call();
                int third = u.call();
                OUT.add(first + ":" + first.getClass().getSimpleName() + " " + second + ":"
                        + second.getClass().getSimpleName() + " " + third);
            });
            for (int i = 0; i < 3; i++) {
                t.run(); // to the next schedule() inside count, countLong, boxed
                pickles.add(p.dumps(t));
            }
            t.run();
        });
        assertThat(OUT).as("in-process, soft").containsExactly("42:Integer 7:Long 9");
        for (byte[] pickle : pickles) {
            OUT.clear();
            Stackless.runAsMain(() -> {
                Tasklet u = p.loads(pickle);
                u.insert();
                Stackless.run();
            });
            assertThat(OUT).containsExactly("42:Integer 7:Long 9");
        }
    }

    static void holds(Object o) throws Suspendable {
        Stackless.schedule();
        OUT.add(String.valueOf(o));
    }

    @Test
    void aFieldWhoseValueIsNotAllowedIsRefusedNamingClassFieldAndType() throws Exception {
        Pickler p = PickleTestSupport.builder(Holder.class).build();
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> holds(new Holder()));
            t.run();
            assertThatThrownBy(() -> p.dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("cannot pickle an object of class " + NotAllowed.class.getName())
                    .hasMessageContaining("field " + Holder.class.getName() + ".thing of type java.lang.Object")
                    .hasMessageContaining("allow(NotAllowed.class)")
                    .hasMessageContaining("PickleUserCodeTest.holds(PickleUserCodeTest.java:");
            t.kill();
        });
    }

    @Test
    void aJdkClassIsNotPickledByItsFields() throws Exception {
        Pickler p = PickleTestSupport.builder(AtomicInteger.class).build();
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> holds(new AtomicInteger(3)));
            t.run();
            assertThatThrownBy(() -> p.dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("java.util.concurrent.atomic.AtomicInteger is a JDK class");
            t.kill();
        });
    }

    static byte[] dumpHolding(Pickler p, Object o) throws Exception {
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> holds(o));
            t.run();
            b[0] = p.dumps(t);
            t.kill();
        });
        return b[0];
    }

    /** Replaces every length-prefixed occurrence of string {@code from} in the payload, and signs again. */
    static byte[] replaceString(byte[] good, String from, String to) throws Exception {
        byte[] f = lp(from);
        byte[] r = lp(to);
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        int found = 0;
        int end = good.length - 32;
        o.write(good, 0, Envelope.HEADER);
        for (int i = Envelope.HEADER; i < end;) {
            if (i + f.length <= end && Arrays.equals(good, i, i + f.length, f, 0, f.length)) {
                o.writeBytes(r);
                i += f.length;
                found++;
            } else {
                o.write(good[i++]);
            }
        }
        assertThat(found).as("occurrences of " + from).isPositive();
        o.writeBytes(new byte[32]);
        byte[] b = o.toByteArray();
        int pl = b.length - Envelope.HEADER - 32;
        for (int k = 0; k < 4; k++) {
            b[Envelope.LENGTH_AT + k] = (byte) (pl >>> (24 - 8 * k));
        }
        return PickleFuzzTest.reseal(b);
    }

    private static byte[] lp(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        assertThat(u.length).isLessThan(128);
        byte[] r = new byte[u.length + 1];
        r[0] = (byte) u.length;
        System.arraycopy(u, 0, r, 1, u.length);
        return r;
    }

    @Test
    void aPlainClassWhoseFieldsChangedIsRefusedNamingThem() throws Exception {
        Pickler p = PickleTestSupport.builder(Savings.class).acceptReplays().build();
        byte[] good = dumpHolding(p, new Savings("bo", 1, 2.0));
        byte[] forged = replaceString(good, "balance", "balancf");
        Stackless.runAsMain(() -> assertThatThrownBy(() -> p.loads(forged)).isInstanceOf(NotPicklableException.class)
                .hasMessageContaining("class " + Savings.class.getName() + " changed since the pickle was made")
                .hasMessageContaining("balancf"));
    }

    @Test
    void restrictCodeLimitsWhereFramesComeFromWhenDumpingAndLoading() throws Exception {
        Pickler any = PickleTestSupport.builder().build();
        Pickler here = PickleTestSupport.builder().restrictCode("org.jstackless.pickle").build();
        Pickler thisClass = PickleTestSupport.builder().restrictCode(PickleUserCodeTest.class.getName()).build();
        Pickler elsewhere = PickleTestSupport.builder().restrictCode("app", "org.jstackless.pickle.Other").build();
        byte[] b = dumpHolding(any, "x");
        Stackless.runAsMain(() -> {
            assertThat(here.loads(b).isPaused()).isTrue();
            assertThat(thisClass.loads(b).isPaused()).isTrue();
            assertThatThrownBy(() -> elsewhere.loads(b)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("code of class " + PickleUserCodeTest.class.getName()
                            + " is outside this pickler's code restriction [app, org.jstackless.pickle.Other]");
        });
        assertThatThrownBy(() -> dumpHolding(elsewhere, "x")).isInstanceOf(NotPicklableException.class)
                .hasMessageContaining("outside this pickler's code restriction");
    }

    @Test
    void aFrameOfAnUnwovenClassIsStillRefused() throws Exception {
        Pickler p = PickleTestSupport.builder().build();
        byte[] good = dumpHolding(p, "x");
        // Same-length name of a class of this program that has no woven methods.
        String unwoven = PickleTestSupport.class.getName();
        String self = PickleUserCodeTest.class.getName();
        assertThat(unwoven.length()).isNotEqualTo(self.length()); // the forge fixes the lengths
        byte[] forged = replaceString(good, self, unwoven);
        Stackless.runAsMain(() -> assertThatThrownBy(() -> p.loads(forged)).isInstanceOf(NotPicklableException.class)
                .hasMessageContaining("class " + unwoven + " is not woven in this program"));
        byte[] missing = replaceString(good, self, "app.NoSuchClass");
        Stackless.runAsMain(() -> assertThatThrownBy(() -> p.loads(missing)).isInstanceOf(NotPicklableException.class)
                .hasMessageContaining("code of class app.NoSuchClass, which this program does not have"));
    }

    /** Hashes by identity (no hashCode override): a cyclic graph of them may key a map. */
    static final class Node {
        Node parent;
        final List<Node> children = new ArrayList<>();
    }

    static void lookups(java.util.Map<Node, String> m, Node kid) throws Suspendable {
        Stackless.schedule();
        OUT.add(m.get(kid) + " " + m.get(kid.parent) + " " + (kid.parent.children.get(0) == kid));
    }

    @Test
    void objectsHashedByIdentityMayBeCyclicMapKeys() throws Exception {
        Pickler p = PickleTestSupport.builder(Node.class).build();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Node root = new Node();
            Node kid = new Node();
            kid.parent = root;
            root.children.add(kid);
            java.util.Map<Node, String> m = new java.util.HashMap<>();
            m.put(root, "r");
            m.put(kid, "k");
            Tasklet t = Tasklet.spawn(() -> lookups(m, kid));
            t.run();
            b[0] = p.dumps(t);
            t.kill();
        });
        Stackless.runAsMain(() -> {
            Tasklet u = p.loads(b[0]);
            u.insert();
            Stackless.run();
        });
        assertThat(OUT).containsExactly("k r true");
    }

    @Test
    void obviouslyWeakSigningKeysAreRefused() {
        byte[] zeros = new byte[32];
        byte[] same = new byte[20];
        Arrays.fill(same, (byte) 'a');
        assertThatThrownBy(() -> Pickler.builder().signingKey(zeros)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weak");
        assertThatThrownBy(() -> Pickler.builder().signingKey(same)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("all its 20 bytes are equal");
        assertThatThrownBy(() -> Pickler.builder().signingKey(new byte[8])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 bytes");
    }
}
