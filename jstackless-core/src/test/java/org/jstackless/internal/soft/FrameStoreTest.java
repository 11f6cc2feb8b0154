package org.jstackless.internal.soft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jstackless.TaskletBody;
import org.jstackless.internal.soft.runtime.SoftStrand;
import org.jstackless.testing.WeavingLoader;
import org.junit.jupiter.api.Test;

/**
 * The soft strand's frame store keeps the two outermost frames in its own fields (inline when
 * they save no values, else as pooled frame objects) and the rest in an array. These programs
 * suspend at every depth from 1 to 9 through chains that mix frames with and without saved
 * values, in both orders and from fresh and reused cells, throw through them, and must compute
 * exactly what the unwoven program computes.
 */
class FrameStoreTest {
    static final String SRC = SoftBasicsTest.HEADER + """
            public class S {
                // Nothing is live after the call: saved with no values.
                static long bare(int d, int k) throws Suspendable {
                    return d <= 0 ? leaf(k) : kept(d - 1, k);
                }
                // A local is live after the call: saved with values.
                static long kept(int d, int k) throws Suspendable {
                    long m = d * 100L + k;
                    long r = d <= 0 ? leaf(k) : bare(d - 1, k);
                    return r + m;
                }
                static long leaf(int k) throws Suspendable {
                    int p = (Integer) pause();
                    if (k % 11 == 10) {
                        throw new IllegalArgumentException("k " + k);
                    }
                    return p + k;
                }
                static long bareOnly(int d) throws Suspendable {
                    return d <= 0 ? (Integer) pause() : bareOnly(d - 1);
                }
                public static String f(int n) throws Suspendable {
                    StringBuilder sb = new StringBuilder();
                    for (int r = 0; r < 30; r++) {
                        int d = (r * 7 + n) % 8;
                        try {
                            sb.append(r % 2 == 0 ? bare(d, r) : kept(d, r)).append(',');
                        } catch (IllegalArgumentException e) {
                            sb.append(e.getMessage()).append(',');
                        }
                        sb.append(bareOnly((r + n) % 5)).append(';');
                    }
                    return sb.toString();
                }
                // Body frames of both kinds: this lambda saves its slot array and index...
                public static org.jstackless.TaskletBody body(int arg, Object[] slot) {
                    return () -> slot[0] = f(arg);
                }
                // ...and this one saves nothing (its call is its last act).
                static void store(int arg, Object[] slot) throws Suspendable {
                    slot[0] = f(arg);
                }
                public static org.jstackless.TaskletBody bareBody(int arg, Object[] slot) {
                    return () -> store(arg, slot);
                }
            }
            """;

    @Test
    void mixedChainsAtEveryDepthComputeWhatThePlainProgramComputes() throws Exception {
        Map<String, byte[]> plain = WeavingLoader.compile(Map.of("t.S", SRC));
        Map<String, byte[]> woven = WeavingLoader.weave(plain);
        ClassLoader l = WeavingLoader.load(woven);
        Class<?> s = l.loadClass("t.S");
        List<TaskletBody> bodies = new ArrayList<>();
        List<Object[]> slots = new ArrayList<>();
        int n = 8;
        for (int i = 0; i < n; i++) {
            for (String maker : List.of("body", "bareBody")) {
                Object[] slot = new Object[1];
                slots.add(slot);
                bodies.add((TaskletBody) s.getMethod(maker, int.class, Object[].class).invoke(null, i, slot));
            }
        }
        List<TestSched.Outcome> out = TestSched.run(bodies);
        for (int i = 0; i < bodies.size(); i++) {
            assertThat(out.get(i).error).as("strand %d", i).isNull();
            assertThat(out.get(i).ended).isTrue();
            assertThat("returned " + slots.get(i)[0]).as("strand %d", i)
                    .isEqualTo(SoftBasicsTest.plain(plain, "S", "f", i / 2));
        }
    }

    static final String OBSERVED = SoftBasicsTest.HEADER + """
            public class O {
                static long bare(int d) throws Suspendable {
                    return d <= 0 ? (Integer) pause() : kept(d - 1);
                }
                static long kept(int d) throws Suspendable {
                    long m = d;
                    long r = bare(d - 1);
                    return r + m;
                }
                static void store(int depth, long[] out) throws Suspendable {
                    out[0] = bare(depth);
                }
                public static org.jstackless.TaskletBody body(int depth, long[] out) {
                    return () -> store(depth, out);
                }
            }
            """;

    @Test
    void aParkedStrandShowsEveryFrameInlineOrNotInItsTraceAndSavedFrames() throws Exception {
        ClassLoader l = WeavingLoader.load(WeavingLoader.weave(WeavingLoader.compile(Map.of("t.O", OBSERVED))));
        long[] out = new long[1];
        // lambda (no values), store, bare, kept, bare, kept, bare: 7 frames, the parked one bare(0).
        TaskletBody b = (TaskletBody) l.loadClass("t.O").getMethod("body", int.class, long[].class).invoke(null, 4, out);
        List<StackTraceElement[]> traces = new ArrayList<>();
        List<Frame[]> saved = new ArrayList<>();
        List<TestSched.Outcome> r = TestSched.run(List.of(b, () -> {
            SoftStrand st = TestSched.strand(0);
            traces.add(st.suspendedStackTrace());
            saved.add(st.savedFrames());
        }));
        assertThat(r.get(0).error).isNull();
        assertThat(r.get(1).error).isNull();
        assertThat(out[0]).isEqualTo(TestSched.PAUSED + 3 + 1);
        StackTraceElement[] t = traces.get(0);
        assertThat(t).extracting(StackTraceElement::getMethodName)
                .startsWith("bare", "kept", "bare", "kept", "bare", "store");
        assertThat(t).hasSize(7);
        assertThat(t[6].getMethodName()).startsWith("lambda$");
        Frame[] fs = saved.get(0);
        assertThat(fs).hasSize(7);
        for (int i = 0; i < fs.length; i++) { // outermost first: the trace read backwards
            assertThat(fs[i].info.methodName()).isEqualTo(t[fs.length - 1 - i].getMethodName());
        }
        assertThat(fs[0].nRefs() + fs[0].nPrims()).isZero(); // the lambda saves nothing
        assertThat(fs[3].nPrims()).isPositive(); // kept keeps m
        assertThat(fs[5].nPrims()).isPositive();
        assertThat(fs[6].nRefs() + fs[6].nPrims()).isZero(); // bare(0) keeps nothing
    }
}
