package org.jstackless.internal.soft;

import org.jstackless.internal.soft.runtime.SoftStrand;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Strand;
import org.junit.jupiter.api.Test;
import org.jstackless.testing.WeavingLoader;

/**
 * The soft runtime's contract: unwoven-frame detection, suspended stack traces, lazy rewind cost
 * independent of depth, hard-mode compatibility, and soft tasklets on the real scheduler.
 */
class SoftRuntimeTest {
    static final String HEADER = SoftBasicsTest.HEADER;

    @Test
    void suspensionThroughAnUnwovenFrameFailsBeforeUnwinding() throws Exception {
        Map<String, byte[]> plain = WeavingLoader.compile(Map.of(
                "t.W", HEADER + """
                        public class W {
                            public static Object prim() throws Suspendable { return pause(); }
                            public static String f(int n) throws Suspendable {
                                StringBuilder log = new StringBuilder("a");
                                try { U.middle(log); } finally { log.append("-finally"); }
                                return log.toString();
                            }
                            public static org.jstackless.TaskletBody body(int arg, Object[] slot) {
                                return () -> slot[0] = f(arg);
                            }
                        }
                        """,
                "t.U", HEADER + """
                        public class U {
                            static void middle(StringBuilder log) throws Suspendable { log.append("m"); W.prim(); log.append("after"); }
                        }
                        """));
        Map<String, byte[]> w = new HashMap<>(WeavingLoader.weave(plain));
        w.put("t.U", plain.get("t.U")); // U is left unwoven
        ClassLoader l = WeavingLoader.load(w);
        Object[] slot = new Object[1];
        TaskletBody b = (TaskletBody) l.loadClass("t.W").getMethod("body", int.class, Object[].class).invoke(null, 0, slot);
        List<TestSched.Outcome> out = TestSched.run(List.of(b));
        assertThat(out.get(0).error).isInstanceOf(IllegalStateException.class);
        assertThat(out.get(0).error.getMessage())
                .contains("t.U.middle(", "is not woven", "weave it (the jstackless-maven-plugin",
                        "run this tasklet hard (Stackless.enableSoftSwitch(false)");
        // Woven, it works; plain, W.f runs as the original.
        assertThat(SoftBasicsTest.runSoft(WeavingLoader.weave(plain), "W", "f", 1)).containsExactly("returned am" + "after-finally");
        assertThat(SoftBasicsTest.plain(w, "W", "f", 0)).isEqualTo("returned amafter-finally");
    }

    @Test
    void aPlainCallAfterAnUnwovenCalleeOfTheSameNameIsNotTakenForAnIntactChain() throws Exception {
        // W.f calls I.m (suspendable) on U, which is not woven and leaves no token; then it calls
        // J.m (plain, same name and descriptor) on a woven implementation that switches. W.f is not
        // stopped at a suspendable call site there, so the switch must be refused at the call.
        Map<String, byte[]> plain = WeavingLoader.compile(Map.of(
                "t.W", HEADER + """
                        public class W {
                            public interface I { Object m() throws Suspendable; }
                            public interface J { Object m(); }
                            public static class V implements J {
                                public Object m() {
                                    try { return pause(); } catch (Throwable t) { return "caught " + t.getMessage(); }
                                }
                            }
                            public static String f(I i, J j) throws Suspendable {
                                i.m();
                                Object r = j.m();
                                return "after " + r;
                            }
                            public static org.jstackless.TaskletBody body(Object[] slot) {
                                return () -> slot[0] = f(new U(), new V());
                            }
                        }
                        """,
                "t.U", HEADER + """
                        public class U implements W.I {
                            public Object m() { return null; }
                        }
                        """));
        Map<String, byte[]> w = new HashMap<>(WeavingLoader.weave(plain));
        w.put("t.U", plain.get("t.U")); // U is left unwoven
        ClassLoader l = WeavingLoader.load(w);
        Object[] slot = new Object[1];
        TaskletBody b = (TaskletBody) l.loadClass("t.W").getMethod("body", Object[].class).invoke(null, (Object) slot);
        List<TestSched.Outcome> out = TestSched.run(List.of(b));
        assertThat(out.get(0).error).isNull();
        assertThat((String) slot[0]).startsWith("after caught a soft tasklet cannot switch here")
                .contains("t.W.f(", "through a plain call");
    }

    static final String DEEP = HEADER + """
            public class D {
                static long down(int n, long[] out) throws Suspendable {
                    if (n <= 1) {
                        long s = 0;
                        for (int i = 0; i < out.length; i++) { s += (Integer) pause(); }
                        return s;
                    }
                    return down(n - 1, out) + 1;
                }
                public static org.jstackless.TaskletBody body(int depth, long[] out) {
                    return () -> out[0] = down(depth, out);
                }
            }
            """;

    @Test
    void suspendedStackTraceAndFrameDepth() throws Exception {
        ClassLoader l = WeavingLoader.load(WeavingLoader.weave(WeavingLoader.compile(Map.of("t.D", DEEP))));
        long[] out = new long[3];
        TaskletBody deep = (TaskletBody) l.loadClass("t.D").getMethod("body", int.class, long[].class).invoke(null, 5, out);
        List<StackTraceElement[]> traces = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        // The observer is not woven and never suspends: it runs once, while the deep strand is parked.
        List<TestSched.Outcome> r = TestSched.run(List.of(deep, () -> {
            SoftStrand ds = TestSched.strand(0);
            traces.add(ds.suspendedStackTrace());
            depths.add(ds.frameDepth());
        }));
        assertThat(r.get(0).error).isNull();
        assertThat(r.get(1).error).isNull();
        assertThat(out[0]).isEqualTo(3 * 7 + 4);
        assertThat(depths).containsExactly(6); // down x5 + the lambda
        StackTraceElement[] t = traces.get(0);
        assertThat(t).hasSize(6);
        assertThat(t[0].getClassName()).isEqualTo("t.D");
        assertThat(t[0].getMethodName()).isEqualTo("down");
        assertThat(t[0].getFileName()).isEqualTo("D.java");
        assertThat(t[0].getLineNumber()).isEqualTo(8); // the pause() line
        for (int i = 1; i < 5; i++) {
            assertThat(t[i].getLineNumber()).isEqualTo(11); // return down(n - 1, out) + 1
        }
        assertThat(t[5].getMethodName()).startsWith("lambda$body$");
        assertThat(t[5].getLineNumber()).isEqualTo(14);
    }

    /** ns per switch of two strands ping-ponging at the given stack depth. */
    static double nsPerSwitch(ClassLoader l, int depth, int pauses) throws Exception {
        var m = l.loadClass("t.D").getMethod("body", int.class, long[].class);
        long[] a = new long[pauses];
        long[] b = new long[pauses];
        List<TaskletBody> bodies = List.of((TaskletBody) m.invoke(null, depth, a), (TaskletBody) m.invoke(null, depth, b));
        long t0 = System.nanoTime();
        List<TestSched.Outcome> r = TestSched.run(bodies);
        long t1 = System.nanoTime();
        assertThat(r.get(0).error).isNull();
        assertThat(a[0]).isEqualTo(7L * pauses + depth - 1);
        return (double) (t1 - t0) / TestSched.lastSwitches;
    }

    @Test
    void switchCostDoesNotDependOnStackDepth() throws Exception {
        ClassLoader l = WeavingLoader.load(WeavingLoader.weave(WeavingLoader.compile(Map.of("t.D", DEEP))));
        for (int i = 0; i < 5; i++) {
            nsPerSwitch(l, 1, 200_000);
            nsPerSwitch(l, 100, 200_000);
        }
        double d1 = Double.MAX_VALUE;
        double d100 = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            d1 = Math.min(d1, nsPerSwitch(l, 1, 1_000_000));
            d100 = Math.min(d100, nsPerSwitch(l, 100, 1_000_000));
        }
        System.out.printf("soft switch (test scheduler): depth 1 %.1f ns, depth 100 %.1f ns, ratio %.2f%n", d1, d100, d100 / d1);
        // Eager rewinding would make depth 100 cost about 50x depth 1; lazy rewind keeps it flat.
        assertThat(d100 / d1).isLessThan(2.0);
    }
}
