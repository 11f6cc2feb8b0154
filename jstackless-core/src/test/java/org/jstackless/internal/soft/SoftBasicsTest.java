package org.jstackless.internal.soft;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jstackless.TaskletBody;
import org.junit.jupiter.api.Test;
import org.jstackless.testing.WeavingLoader;

/** Hand-written programs woven and run on soft strands: the common cases, one by one. */
class SoftBasicsTest {
    static final String HEADER = "package t;\nimport org.jstackless.Suspendable;\nimport static org.jstackless.internal.soft.TestSched.*;\n";

    static Map<String, byte[]> woven(String cls, String body) throws Exception {
        Map<String, byte[]> plain = WeavingLoader.compile(Map.of("t." + cls, HEADER + body));
        Map<String, byte[]> w = WeavingLoader.weave(plain);
        for (Map.Entry<String, byte[]> e : w.entrySet()) {
            assertThat(WeavingLoader.verify(e.getValue(), w)).as(e.getKey()).isEmpty();
        }
        return w;
    }

    /** Runs static method {@code name(int)} of class t.cls on n strands; returns outcome strings. */
    static List<String> runSoft(Map<String, byte[]> classes, String cls, String name, int n) throws Exception {
        ClassLoader l = WeavingLoader.load(classes);
        Method m = l.loadClass("t." + cls).getMethod(name, int.class);
        List<TaskletBody> bodies = new ArrayList<>();
        List<Object[]> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int arg = i;
            Object[] slot = new Object[1];
            results.add(slot);
            bodies.add((TaskletBody) l.loadClass("t." + cls).getMethod("body", int.class, Object[].class)
                    .invoke(null, arg, slot));
        }
        List<TestSched.Outcome> out = TestSched.run(bodies);
        List<String> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestSched.Outcome o = out.get(i);
            assertThat(o.ended).isTrue();
            r.add(o.error != null ? "threw " + o.error : "returned " + results.get(i)[0]);
        }
        return r;
    }

    static String plain(Map<String, byte[]> classes, String cls, String name, int arg) throws Exception {
        Method m = WeavingLoader.load(classes).loadClass("t." + cls).getMethod(name, int.class);
        try {
            return "returned " + m.invoke(null, arg);
        } catch (java.lang.reflect.InvocationTargetException e) {
            return "threw " + e.getCause();
        }
    }

    static final String BODY = """
                public static org.jstackless.TaskletBody body(int arg, Object[] slot) {
                    return () -> slot[0] = f(arg);
                }
            """;

    @Test
    void loopWithLocalsOfEveryKind() throws Exception {
        String src = """
            public class A {
                public static String f(int n) throws Suspendable {
                    long l = 1L << 40; double d = 0.5; float fl = 1.25f; int[] arr = new int[3]; String s = "x" + n;
                    byte b = 3; char c = 'c'; short sh = 9; boolean z = true;
                    for (int i = 0; i < 5; i++) {
                        int p = (Integer) pause();
                        l += p + i; d *= 2; fl += i; arr[i % 3] += p; s = s + i; b++; c++; sh--; z = !z;
                    }
                    return s + l + d + fl + java.util.Arrays.toString(arr) + b + c + sh + z;
                }
            """ + BODY + "}";
        Map<String, byte[]> w = woven("A", src);
        List<String> soft = runSoft(w, "A", "f", 3);
        for (int i = 0; i < 3; i++) {
            assertThat(soft.get(i)).isEqualTo(plain(WeavingLoader.compile(Map.of("t.A", HEADER + src)), "A", "f", i));
            assertThat(soft.get(i)).isEqualTo(plain(w, "A", "f", i));
        }
        assertThat(TestSched.lastSwitches).isEqualTo(15);
    }

    @Test
    void recursionTryCatchFinallyAndBombs() throws Exception {
        String src = """
            public class B {
                static int depth(int n, StringBuilder log) throws Suspendable {
                    if (n == 0) { pause(); return 1; }
                    try {
                        int r = depth(n - 1, log) + n;
                        if (n == 2) pauseBomb();
                        return r;
                    } catch (IllegalStateException e) {
                        log.append("caught@").append(n).append(';');
                        return -n;
                    } finally {
                        log.append("finally@").append(n).append(';');
                    }
                }
                public static String f(int n) throws Suspendable {
                    StringBuilder log = new StringBuilder();
                    int r = depth(4 + n, log);
                    return r + ":" + log;
                }
            """ + BODY + "}";
        Map<String, byte[]> w = woven("B", src);
        List<String> soft = runSoft(w, "B", "f", 2);
        Map<String, byte[]> p = WeavingLoader.compile(Map.of("t.B", HEADER + src));
        assertThat(soft).containsExactly(plain(p, "B", "f", 0), plain(p, "B", "f", 1));
    }

    @Test
    void suspendingConstructorArgumentsAndOperandStack() throws Exception {
        String src = """
            public class C {
                record P(int a, long b, String c) {}
                static int one() throws Suspendable { pause(); return 1; }
                static String s(String x) throws Suspendable { pause(); return x; }
                public static String f(int n) throws Suspendable {
                    P p = new P(n + one(), 10L * one(), s("q") + new P(one(), one(), s("in")));
                    long acc = 5 + (long) one() * 3 + one();
                    String t = n > 0 ? s("pos") : s("neg");
                    return p + ":" + acc + t;
                }
            """ + BODY + "}";
        Map<String, byte[]> w = woven("C", src);
        List<String> soft = runSoft(w, "C", "f", 2);
        Map<String, byte[]> p = WeavingLoader.compile(Map.of("t.C", HEADER + src));
        assertThat(soft).containsExactly(plain(p, "C", "f", 0), plain(p, "C", "f", 1));
    }
}
