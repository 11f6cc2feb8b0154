package org.jstackless.internal.soft;

import org.jstackless.internal.soft.runtime.Ticks;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jstackless.TaskletBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jstackless.testing.WeavingLoader;

/**
 * Tick points ({@link Preemption}): woven code counts a tick at every method entry and loop
 * back-edge, calls the handler when the budget runs out, and a handler that switches away
 * interrupts a soft strand mid-loop, which later resumes at the same iteration.
 */
class TickPointTest {
    private Ticks.Handler saved;

    @BeforeEach
    void save() {
        saved = Ticks.handler();
    }

    @AfterEach
    void restore() {
        Ticks.setHandler(saved);
        Preemption.setBudget(Long.MAX_VALUE);
    }

    static final String SPIN = """
        public class Spin {
            public static long spin(long[] seen, int n) throws Suspendable {
                long acc = 1; int i = 0; double d = 0.5; String tag = "tag" + n;
                while (true) {
                    i++;
                    acc = acc * 31 + i;
                    d += i;
                    seen[0] = i;
                    if (i == n) return acc + (long) d + tag.length();
                }
            }
            public static String trap(long[] seen, int n) throws Suspendable {
                int i = 0;
                try {
                    while (true) {
                        i++;
                        seen[0] = i;
                        if (i == n) return "ran out";
                    }
                } catch (IllegalStateException e) {
                    return "caught " + e.getMessage() + " at " + i + " " + (i == seen[0]);
                }
            }
            public static TaskletBody spinner(int n, long[] seen, Object[] slot) {
                return () -> slot[0] = spin(seen, n);
            }
            public static TaskletBody trapper(int n, long[] seen, Object[] slot) {
                return () -> slot[0] = trap(seen, n);
            }
            public static TaskletBody watcher(long[] seen, List<Long> log, int n) {
                return () -> { while (seen[0] < n) { log.add(seen[0]); pause(); } };
            }
            public static long loop(int n) throws Suspendable {
                long s = 0;
                for (int i = 0; i < n; i++) s += i;
                return s;
            }
            public static long doLoop(int n) throws Suspendable {
                long s = 0; int i = 0;
                do { s += i; i++; } while (i < n);
                return s;
            }
            static int leaf(int x) throws Suspendable { return x + 1; }
            public static long calls(int n) throws Suspendable {
                long s = 0;
                for (int i = 0; i < n; i++) s += leaf(i);
                return s;
            }
            public static long locked(Object o, int n) throws Suspendable {
                long s = 0;
                synchronized (o) { for (int i = 0; i < n; i++) s += i; }
                return s;
            }
            public static synchronized long syncMethod(int n) throws Suspendable {
                long s = 0;
                for (int i = 0; i < n; i++) s += i;
                return s;
            }
            public static String ctor(int n) throws Suspendable {
                return new StringBuilder(switch (n) { case 0 -> "z"; default -> { String r = ""; for (int i = 0; i < n; i++) r += i; yield r; } }).toString();
            }
        }
        """;

    static final String HEADER = SoftBasicsTest.HEADER + "import org.jstackless.TaskletBody;\nimport java.util.List;\n";

    private static Class<?> spinClass() throws Exception {
        Map<String, byte[]> plain = WeavingLoader.compile(Map.of("t.Spin", HEADER + SPIN));
        Map<String, byte[]> w = WeavingLoader.weave(plain);
        for (Map.Entry<String, byte[]> e : w.entrySet()) {
            assertThat(WeavingLoader.verify(e.getValue(), w)).as(e.getKey()).isEmpty();
        }
        return WeavingLoader.load(w).loadClass("t.Spin");
    }

    private static long expectedSpin(int n) {
        long acc = 1;
        double d = 0.5;
        for (int i = 1; i <= n; i++) {
            acc = acc * 31 + i;
            d += i;
        }
        return acc + (long) d + ("tag" + n).length();
    }

    @Test
    void whileTrueLoopIsInterruptedAndResumesAtTheSameIteration() throws Exception {
        Class<?> c = spinClass();
        int n = 10_000;
        int slice = 100;
        long[] seen = new long[1];
        Object[] slot = new Object[1];
        List<Long> atExpiry = new ArrayList<>();
        List<Long> watched = new ArrayList<>();
        TaskletBody spinner = (TaskletBody) c.getMethod("spinner", int.class, long[].class, Object[].class)
                .invoke(null, n, seen, slot);
        TaskletBody watcher = (TaskletBody) c.getMethod("watcher", long[].class, List.class, int.class)
                .invoke(null, seen, watched, n);
        // The tiny handler: a new slice, and the spinner (strand 0) is switched away.
        Ticks.setHandler(() -> {
            Preemption.setBudget(slice);
            if (TestSched.strand(0) == org.jstackless.internal.switching.Carrier.current().running()) {
                atExpiry.add(seen[0]);
                assertThat(TestSched.preempt(false)).isTrue();
            }
        });
        Preemption.setBudget(slice);
        List<TestSched.Outcome> out = TestSched.run(List.of(spinner, watcher));
        Ticks.setHandler(saved);
        assertThat(out.get(0).error).isNull();
        assertThat(out.get(1).error).isNull();
        assertThat(slot[0]).isEqualTo(expectedSpin(n));
        // Interrupted many times mid-loop; each time the watcher saw exactly where the spinner stood,
        // and the spinner went on from there.
        assertThat(atExpiry.size()).isGreaterThan(n / (2 * slice));
        assertThat(atExpiry).isSorted().doesNotHaveDuplicates();
        assertThat(atExpiry.getFirst()).isPositive();
        assertThat(atExpiry.getLast()).isLessThan(n);
        assertThat(watched.subList(0, atExpiry.size())).isEqualTo(atExpiry.subList(0, atExpiry.size()));
    }

    @Test
    void aBombDeliveredAtATickPointIsRaisedInsideTheLoopsTry() throws Exception {
        Class<?> c = spinClass();
        long[] seen = new long[1];
        Object[] slot = new Object[1];
        TaskletBody trapper = (TaskletBody) c.getMethod("trapper", int.class, long[].class, Object[].class)
                .invoke(null, 1_000_000, seen, slot);
        TaskletBody other = () -> { };
        boolean[] bombed = {false};
        Ticks.setHandler(() -> {
            Preemption.setBudget(50);
            if (!bombed[0] && TestSched.strand(0) == org.jstackless.internal.switching.Carrier.current().running()) {
                bombed[0] = true;
                TestSched.preempt(true);
            }
        });
        Preemption.setBudget(50);
        List<TestSched.Outcome> out = TestSched.run(List.of(trapper, other));
        Ticks.setHandler(saved);
        assertThat(out.get(0).error).isNull();
        assertThat(bombed[0]).isTrue();
        assertThat((String) slot[0]).startsWith("caught bomb at ").endsWith(" true");
        assertThat(seen[0]).isBetween(40L, 60L);
    }

    private static long ticks(Class<?> c, String name, Object... args) throws Exception {
        Class<?>[] types = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) {
            types[i] = args[i] instanceof Integer ? int.class : Object.class;
        }
        Method m = c.getMethod(name, types);
        Preemption.setBudget(1_000_000);
        m.invoke(null, args);
        long used = 1_000_000 - Preemption.budget();
        Preemption.setBudget(Long.MAX_VALUE);
        return used;
    }

    @Test
    void oneTickPerEntryAndPerTakenBackEdgeNoneUnderAMonitor() throws Exception {
        Class<?> c = spinClass();
        assertThat(ticks(c, "loop", 10)).isEqualTo(1 + 10);
        assertThat(ticks(c, "doLoop", 10)).isEqualTo(1 + 9);
        assertThat(ticks(c, "calls", 10)).isEqualTo(1 + 10 + 10);
        assertThat(ticks(c, "locked", new Object(), 10)).isEqualTo(1);
        assertThat(ticks(c, "syncMethod", 10)).isEqualTo(0);
        // A loop inside a constructor's argument (uninitialised object on the stack): no tick there.
        assertThat(ticks(c, "ctor", 10)).isEqualTo(1);
        // No timed run: nothing is counted.
        Preemption.setBudget(Long.MAX_VALUE);
        c.getMethod("loop", int.class).invoke(null, 10);
        assertThat(Preemption.budget()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aHandlerThatOnlyRenewsTheBudgetLetsCodeRunOnEvenOutsideAStrand() throws Exception {
        Class<?> c = spinClass();
        int[] expiries = {0};
        Ticks.setHandler(() -> {
            assertThat(Preemption.budget()).isEqualTo(Long.MAX_VALUE);
            expiries[0]++;
            Preemption.setBudget(9);
        });
        Preemption.setBudget(9);
        long[] seen = new long[1];
        Object r = c.getMethod("spin", long[].class, int.class).invoke(null, seen, 1000);
        assertThat(r).isEqualTo(expectedSpin(1000));
        // 1000 ticks (the entry, and 999 back-edges: the last iteration returns), one expiry per 10.
        assertThat(expiries[0]).isEqualTo(100);
    }
}
