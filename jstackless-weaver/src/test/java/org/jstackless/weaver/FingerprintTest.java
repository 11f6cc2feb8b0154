package org.jstackless.weaver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The pickle fingerprint the weaver records ({@code @WovenMethod} and the MethodInfo constant):
 * the same whether a class is woven the build plugin's way (a directory, hierarchy from a class
 * path) or the agent's way (one class's bytes, hierarchy from a class loader); unchanged when only
 * line numbers move; changed when the code or the frame layout changes (e.g. ticks off).
 */
class FingerprintTest {
    @TempDir
    Path tmp;

    static final String SRC = """
            package f;
            import org.jstackless.Suspendable;
            public class F {
                static Object prim() throws Suspendable { return null; }
                %s
                static long work(long a, int[] arr) throws Suspendable {
                    long s = a;
                    for (int i = 0; i < arr.length; i++) {
                        s += arr[i] * %s;
                        prim();
                    }
                    return s;
                }
            }
            """;

    static List<Path> classPath() {
        List<Path> cp = new ArrayList<>();
        for (String s : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.add(Path.of(s));
        }
        return cp;
    }

    /** The recorded {fingerprint, layouts} of f.F.work in a woven class file. */
    static List<Object> facts(byte[] woven) {
        ClassNode cn = new ClassNode();
        new ClassReader(woven).accept(cn, 0);
        for (MethodNode m : cn.methods) {
            if (m.name.equals("work") && m.visibleAnnotations != null) {
                for (AnnotationNode a : m.visibleAnnotations) {
                    if (a.desc.equals("Lorg/jstackless/internal/soft/WovenMethod;")) {
                        return List.of(a.values.get(1), a.values.get(3));
                    }
                }
            }
        }
        throw new AssertionError("no @WovenMethod on work");
    }

    /** Compiles a variant and weaves it the plugin's way; returns the woven bytes of f.F. */
    byte[] buildWoven(String name, String blankLines, String factor, boolean ticks) throws Exception {
        Path classes = Javac.compile(tmp.resolve(name), Map.of("f.F", SRC.formatted(blankLines, factor)));
        new Weaver(WeaverOptions.defaults().classPath(classPath()).ticks(ticks)).weaveDirectory(classes);
        return Javac.read(classes).get("f/F");
    }

    @Test
    void theSameWhoeverWeavesAndOnlyCodeOrLayoutChangesIt() throws Exception {
        // The agent's way: the original bytes, one class, hierarchy from a class loader.
        Path classes = Javac.compile(tmp.resolve("agent"), Map.of("f.F", SRC.formatted("", "3")));
        byte[] original = Javac.read(classes).get("f/F");
        byte[] agentWoven;
        try (URLClassLoader l = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                FingerprintTest.class.getClassLoader())) {
            agentWoven = new Weaver(WeaverOptions.defaults().classLoader(l)).weaveClass(original);
        }
        List<Object> agent = facts(agentWoven);
        List<Object> build = facts(buildWoven("build", "", "3", true));
        assertThat(build).isEqualTo(agent);
        assertThat((String) build.get(1)).contains("[I").contains(",");
        // Moving the method down two lines: same fingerprint.
        assertThat(facts(buildWoven("moved", "\n\n", "3", true)).get(0)).isEqualTo(build.get(0));
        // Another constant: another fingerprint.
        assertThat(facts(buildWoven("changed", "", "4", true)).get(0)).isNotEqualTo(build.get(0));
        // No tick points: other sites, other frame shapes, another fingerprint.
        List<Object> noTicks = facts(buildWoven("noticks", "", "3", false));
        assertThat(noTicks.get(1)).isNotEqualTo(build.get(1));
        assertThat(noTicks.get(0)).isNotEqualTo(build.get(0));
    }
}
