package org.jstackless.weaver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.attribute.LineNumberTableAttribute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public weaver API, stamping, verification, line numbers and the build-time checks. */
class WeaverTest {
    @TempDir
    Path tmp;

    static final String SRC = """
            package t;
            import org.jstackless.Suspendable;
            public class A {
                interface Body { void run() throws Suspendable; }
                static Object prim() throws Suspendable { return null; }
                static long work(long a, double d, int[] arr) throws Suspendable {
                    long s = a;
                    for (int i = 0; i < arr.length; i++) {
                        try {
                            s += arr[i] + (long) d;
                            prim();
                        } catch (RuntimeException e) {
                            s--;
                        } finally {
                            s ^= 3;
                        }
                    }
                    switch ((int) s & 3) { case 0: prim(); break; default: s++; }
                    return s + new StringBuilder().append(prim()).length();
                }
                Body body() { return () -> work(1, 2, new int[3]); }
                static int plain(int x) { return x * 2; }
            }
            """;

    Weaver weaver() {
        List<Path> cp = new ArrayList<>();
        for (String s : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.add(Path.of(s));
        }
        return new Weaver(WeaverOptions.defaults().classPath(cp));
    }

    static List<String> verify(byte[] b) {
        ClassHierarchyResolver r = ClassHierarchyResolver.defaultResolver()
                .orElse(ClassHierarchyResolver.ofClassLoading(WeaverTest.class.getClassLoader()))
                .orElse(cd -> ClassHierarchyResolver.ClassHierarchyInfo.ofClass(java.lang.constant.ConstantDescs.CD_Object));
        List<String> l = new ArrayList<>();
        for (VerifyError e : ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(r)).verify(b)) {
            l.add(e.getMessage());
        }
        return l;
    }

    static TreeSet<Integer> lines(byte[] b, String method) {
        TreeSet<Integer> s = new TreeSet<>();
        ClassModel cm = ClassFile.of().parse(b);
        for (MethodModel m : cm.methods()) {
            if (m.methodName().equalsString(method)) {
                CodeAttribute c = m.findAttribute(java.lang.classfile.Attributes.code()).orElseThrow();
                for (var a : c.attributes()) {
                    if (a instanceof LineNumberTableAttribute t) {
                        t.lineNumbers().forEach(ln -> s.add(ln.lineNumber()));
                    }
                }
            }
        }
        return s;
    }

    @Test
    void weavesVerifiesKeepsLinesAndIsIdempotent() throws Exception {
        Map<String, byte[]> cls = Javac.read(Javac.compile(tmp, Map.of("t.A", SRC)));
        Weaver w = weaver();
        byte[] a = cls.get("t/A");
        byte[] wa = w.weaveClass(a);
        assertThat(wa).isNotSameAs(a);
        assertThat(verify(wa)).isEmpty();
        assertThat(lines(wa, "work")).isEqualTo(lines(a, "work"));
        assertThat(new String(wa, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("Lorg/jstackless/internal/soft/Woven;");
        // Weaving twice is a no-op: the same instance comes back.
        assertThat(w.weaveClass(wa)).isSameAs(wa);
        // Nothing suspendable: the input array itself.
        byte[] body = cls.get("t/A$Body");
        assertThat(w.weaveClass(body)).isSameAs(body);
    }

    static boolean mentions(byte[] b, String s) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).contains(s);
    }

    @Test
    void tickPointsUnlessTurnedOff() throws Exception {
        Map<String, byte[]> cls = Javac.read(Javac.compile(tmp, Map.of("t.A", SRC)));
        byte[] a = cls.get("t/A");
        byte[] on = weaver().weaveClass(a);
        assertThat(mentions(on, "org/jstackless/internal/soft/Preemption")).isTrue();
        assertThat(mentions(on, "ticks")).isTrue();
        List<Path> cp = new ArrayList<>();
        for (String s : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.add(Path.of(s));
        }
        byte[] off = new Weaver(WeaverOptions.defaults().classPath(cp).ticks(false)).weaveClass(a);
        assertThat(verify(off)).isEmpty();
        assertThat(mentions(off, "org/jstackless/internal/soft/Preemption")).isFalse();
        assertThat(lines(off, "work")).isEqualTo(lines(a, "work"));
        // With ticks, even the leaf prim() has a suspension point (its entry), so its code grows.
        assertThat(codeLength(on, "prim")).isGreaterThan(codeLength(off, "prim"));
        assertThat(codeLength(on, "plain")).isEqualTo(codeLength(a, "plain"));
    }

    static int codeLength(byte[] b, String method) {
        for (MethodModel m : ClassFile.of().parse(b).methods()) {
            if (m.methodName().equalsString(method)) {
                return m.findAttribute(java.lang.classfile.Attributes.code()).orElseThrow().codeLength();
            }
        }
        throw new AssertionError(method);
    }

    @Test
    void directoryJarAndCli() throws Exception {
        Path classes = Javac.compile(tmp, Map.of("t.A", SRC));
        Path jar = tmp.resolve("a.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, byte[]> e : Javac.read(classes).entrySet()) {
                out.putNextEntry(new java.util.jar.JarEntry(e.getKey() + ".class"));
                out.write(e.getValue());
            }
        }
        WeaveReport r = weaver().weaveDirectory(classes);
        // A.prim, A.work, A.lambda$body$0
        assertThat(r.classesWoven()).isEqualTo(1);
        assertThat(r.methodsWoven()).isEqualTo(3);
        for (byte[] b : Javac.read(classes).values()) {
            assertThat(verify(b)).isEmpty();
        }
        assertThat(weaver().weaveDirectory(classes).classesWoven()).isZero();

        Path out = tmp.resolve("b.jar");
        WeaveReport rj = weaver().weaveJar(jar, out);
        assertThat(rj.classesWoven()).isEqualTo(1);
        assertThat(WeaverCli.run(new String[] {jar.toString(), "--out", tmp.resolve("c.jar").toString(),
                "--cp", System.getProperty("java.class.path")})).isZero();
        try (var z = new java.util.zip.ZipFile(tmp.resolve("c.jar").toFile())) {
            byte[] b = z.getInputStream(z.getEntry("t/A.class")).readAllBytes();
            assertThat(verify(b)).isEmpty();
            assertThat(weaver().weaveClass(b)).isSameAs(b);
        }
        assertThat(WeaverCli.run(new String[] {})).isEqualTo(2);
    }

    private void assertRejected(String src, String... fragments) throws Exception {
        Path classes = Javac.compile(tmp, Map.of("t.B", src));
        assertThatThrownBy(() -> weaver().weaveDirectory(classes))
                .isInstanceOf(WeaveException.class)
                .hasMessageContainingAll(fragments);
    }

    @Test
    void namesAMethodThatOutgrowsTheCodeLimitOnceWoven() throws Exception {
        // 40 long locals live across 400 suspendable calls: a few KB of plain code, far more than
        // 64 KB once each call saves and restores them.
        StringBuilder b = new StringBuilder("package t;\nimport org.jstackless.Suspendable;\npublic class B {\n"
                + "    static long p(long x) throws Suspendable { return x; }\n"
                + "    static long big(long a) throws Suspendable {\n");
        for (int i = 0; i < 40; i++) {
            b.append("        long v").append(i).append(" = a + ").append(i).append(";\n");
        }
        for (int i = 0; i < 400; i++) {
            b.append("        v").append(i % 40).append(" += p(v").append((i + 1) % 40).append(");\n");
        }
        b.append("        return v0");
        for (int i = 1; i < 40; i++) {
            b.append(" + v").append(i);
        }
        b.append(";\n    }\n}\n");
        assertRejected(b.toString(), "t.B.big(J)J is ", "bytes of bytecode once woven, over the JVM's limit of 65535",
                "Fix: split the method");
    }

    @Test
    void rejectsSuspendableCallInsideSynchronized() throws Exception {
        assertRejected("""
                package t;
                import org.jstackless.Suspendable;
                public class B {
                    static void p() throws Suspendable {}
                    void m() throws Suspendable {
                        synchronized (this) {
                            p();
                        }
                    }
                }
                """, "t.B.m", "line 7", "synchronized");
    }

    @Test
    void rejectsSynchronizedSuspendableMethod() throws Exception {
        assertRejected("""
                package t;
                import org.jstackless.Suspendable;
                public class B {
                    static void p() throws Suspendable {}
                    synchronized void m() throws Suspendable {
                        p();
                    }
                }
                """, "t.B.m", "line 6", "synchronized");
    }

    @Test
    void rejectsSuspendableConstructor() throws Exception {
        assertRejected("""
                package t;
                import org.jstackless.Suspendable;
                public class B {
                    static void p() throws Suspendable {}
                    B() throws Suspendable {
                        p();
                    }
                }
                """, "t.B.<init>", "line", "constructor");
    }

    @Test
    void anOverrideThatDeclaresFewerExceptionsIsLegal() throws Exception {
        // It never switches, so a call through the suspendable method it overrides is still right.
        Path classes = Javac.compile(tmp, Map.of("t.B", """
                package t;
                import org.jstackless.Suspendable;
                public class B {
                    void a() throws Suspendable {}
                    static class C extends B {
                        @Override void a() {}
                    }
                    static abstract class E { abstract void y() throws Suspendable; }
                    static class F extends E { void y() {} }
                }
                """));
        assertThat(weaver().weaveDirectory(classes).warnings()).isEmpty();
    }

    @Test
    void rejectsASuspendableOverrideOfAPlainMethod() throws Exception {
        // javac forbids it; separate compilation does not: compile C against a suspendable B.b,
        // then weave it against a plain one. A call through B.b is not a suspendable call site.
        Path classes = Javac.compile(tmp.resolve("user"), Map.of("t.B", """
                package t;
                public class B { public void b() throws org.jstackless.Suspendable {} }
                """, "t.C", """
                package t;
                public class C extends B {
                    @Override public void b() throws org.jstackless.Suspendable {}
                }
                """));
        Files.delete(classes.resolve("t/B.class"));
        Path lib = Javac.compile(tmp.resolve("lib"), Map.of("t.B", """
                package t;
                public class B { public void b() {} }
                """));
        Weaver w = new Weaver(WeaverOptions.defaults().classPath(List.of(lib)));
        assertThatThrownBy(() -> w.weaveDirectory(classes))
                .isInstanceOf(WeaveException.class)
                .hasMessageContainingAll("t.C.b", "declares 'throws Suspendable' but overrides t.B.b, which does not");
    }

    @Test
    void rejectsUndeclaredSuspendableCall() throws Exception {
        // javac forbids this; other compilers or sneaky code do not: compile against a
        // non-suspendable version of p(), then weave against the suspendable one.
        Path classes = Javac.compile(tmp.resolve("user"), Map.of("t.L", """
                package t;
                public class L { public static void p() {} }
                """, "t.U", """
                package t;
                public class U {
                    static void m() {
                        int x = 1;
                        L.p();
                    }
                }
                """));
        Files.delete(classes.resolve("t/L.class"));
        Path suspLib = Javac.compile(tmp.resolve("lib2"), Map.of("t.L", """
                package t;
                public class L { public static void p() throws org.jstackless.Suspendable {} }
                """));
        Weaver w = new Weaver(WeaverOptions.defaults().classPath(List.of(suspLib)));
        assertThatThrownBy(() -> w.weaveDirectory(classes))
                .isInstanceOf(WeaveException.class)
                .hasMessageContainingAll("t.U.m (line 5)", "calls suspendable t.L.p", "does not declare");
    }

    /** The names of the woven methods of each class ({@code @Woven(methods)} entries, name and descriptor). */
    private static List<String> wovenMethods(byte[] b) {
        List<String> l = new ArrayList<>();
        ClassModel cm = ClassFile.of().parse(b);
        cm.findAttribute(java.lang.classfile.Attributes.runtimeVisibleAnnotations()).ifPresent(a -> {
            for (var an : a.annotations()) {
                if (an.classSymbol().descriptorString().equals("Lorg/jstackless/internal/soft/Woven;")) {
                    for (var e : an.elements()) {
                        if (e.name().equalsString("methods")
                                && e.value() instanceof java.lang.classfile.AnnotationValue.OfArray arr) {
                            for (var v : arr.values()) {
                                String x = ((java.lang.classfile.AnnotationValue.OfString) v).stringValue();
                                l.add(x.substring(0, x.indexOf('(')));
                            }
                        }
                    }
                }
            }
        });
        return l;
    }

    @Test
    void catchThrowableGenericThrowsEAndTheirCallersAreWoven() throws Exception {
        Path classes = Javac.compile(tmp, Map.of("t.G", """
                package t;
                import org.jstackless.Suspendable;
                public class G {
                    static Object prim() throws Suspendable { return null; }
                    static String safe() {
                        try { return "p" + prim(); } catch (Throwable t) { return "error"; }
                    }
                    static String plainCaller() { return safe().toUpperCase(); }
                    interface Action<T, E extends Throwable> { T act() throws E; }
                    static <T, E extends Throwable> T timed(Action<T, E> a) throws E { return a.act(); }
                    static Object viaTimed() throws Suspendable { return timed(() -> prim()); }
                    static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T { throw (T) t; }
                    static int untouched(int x) { return x + 1; }
                }
                """));
        WeaveReport r = weaver().weaveDirectory(classes);
        byte[] g = Files.readAllBytes(classes.resolve("t/G.class"));
        assertThat(verify(g)).isEmpty();
        assertThat(wovenMethods(g)).contains("safe", "plainCaller", "timed", "viaTimed", "prim")
                .doesNotContain("untouched", "sneaky");
        assertThat(r.messages()).anyMatch(m -> m.contains("t.G.safe") && m.contains("woven without 'throws Suspendable'"));
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void codeThatCannotBeWovenIsAWarningNamingClassMethodLineAndFix() throws Exception {
        Path classes = Javac.compile(tmp, Map.of("t.W", """
                package t;
                import org.jstackless.Suspendable;
                public class W {
                    static Object prim() throws Suspendable { return null; }
                    final Object v;
                    W() {
                        Object x;
                        try { x = prim(); } catch (Throwable t) { x = null; }
                        v = x;
                    }
                    static Object locked(Object lock) {
                        synchronized (lock) {
                            try { return prim(); } catch (Suspendable s) { return null; }
                        }
                    }
                }
                """));
        WeaveReport r = weaver().weaveDirectory(classes);
        assertThat(r.warnings()).hasSize(2);
        assertThat(r.warnings().get(0)).contains("t.W.<init> (line 8)", "constructor", "cannot be woven",
                "IllegalStateException", "Fix:");
        assertThat(r.warnings().get(1)).contains("t.W.locked (line 13)", "synchronized", "org.jstackless.sync");
        assertThat(verify(Files.readAllBytes(classes.resolve("t/W.class")))).isEmpty();
    }

    @Test
    void everyErrorOfADirectoryIsReportedAtOnce() throws Exception {
        Path classes = Javac.compile(tmp, Map.of("t.E1", """
                package t;
                import org.jstackless.Suspendable;
                public class E1 {
                    static void p() throws Suspendable {}
                    synchronized void m() throws Suspendable { p(); }
                }
                """, "t.E2", """
                package t;
                import org.jstackless.Suspendable;
                public class E2 {
                    static void p() throws Suspendable {}
                    E2() throws Suspendable { p(); }
                    void n() throws Suspendable { synchronized (this) { p(); } }
                }
                """));
        assertThatThrownBy(() -> weaver().weaveDirectory(classes))
                .isInstanceOf(WeaveException.class)
                .hasMessageContainingAll("t.E1.m (line 5)", "t.E2.<init>", "t.E2.n (line 6)");
    }
}
