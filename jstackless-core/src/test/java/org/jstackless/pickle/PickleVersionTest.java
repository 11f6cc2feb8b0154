package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jstackless.PickleVersionException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.jstackless.testing.WeavingLoader;
import org.junit.jupiter.api.Test;

/** A pickle made by one version of a class is refused by another, naming the methods that changed. */
class PickleVersionTest {
    static final String SRC = """
            package v;
            import org.jstackless.*;
            public class Job {
                public static final java.util.List<String> OUT = new java.util.ArrayList<>();
                static void work(int n) throws Suspendable {
                    int x = n * %s;
                    Stackless.schedule();
                    OUT.add("x=" + x);
                }
                static int unrelated(int a) { return a + %s; }
                public static TaskletBody body() { return () -> work(%s); }
            }
            """;

    /** Compiles and weaves a variant, loaded by a loader that also serves its class files as resources. */
    static Class<?> variant(String factor, String other) throws Exception {
        Map<String, byte[]> classes = WeavingLoader.weave(WeavingLoader.compile(Map.of("v.Job",
                SRC.formatted(factor, other, "7"))));
        ClassLoader parent = PickleVersionTest.class.getClassLoader();
        ClassLoader l = new ClassLoader(parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    byte[] b = classes.get(name);
                    if (b == null) {
                        return super.loadClass(name, resolve);
                    }
                    Class<?> c = findLoadedClass(name);
                    return c != null ? c : defineClass(name, b, 0, b.length);
                }
            }

            @Override
            public InputStream getResourceAsStream(String name) {
                if (name.endsWith(".class")) {
                    byte[] b = classes.get(name.substring(0, name.length() - 6).replace('/', '.'));
                    if (b != null) {
                        return new ByteArrayInputStream(b);
                    }
                }
                return super.getResourceAsStream(name);
            }
        };
        return l.loadClass("v.Job");
    }

    static Pickler pickler(Class<?> job) {
        return PickleTestSupport.builder(job).build();
    }

    static byte[] dump(Class<?> job) throws Exception {
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn((TaskletBody) job.getMethod("body").invoke(null));
            t.run();
            assertThat(t.isSoft()).isTrue();
            b[0] = pickler(job).dumps(t);
            t.kill();
        });
        return b[0];
    }

    @SuppressWarnings("unchecked")
    static List<String> load(Class<?> job, byte[] b) throws Exception {
        Stackless.runAsMain(() -> pickler(job).loads(b).run());
        return new ArrayList<>((List<String>) job.getField("OUT").get(null));
    }

    @Test
    void changedMethodIsNamedAndUnchangedOnesStillLoad() throws Exception {
        byte[] b = dump(variant("3", "1"));
        // The same source, compiled and woven again, in another loader: loads and resumes.
        assertThat(load(variant("3", "1"), b)).containsExactly("x=21");
        // A change in a method without frames in the pickle does not matter.
        assertThat(load(variant("3", "2"), b)).containsExactly("x=21");
        // A change in work(): refused, naming it and only it.
        Class<?> changed = variant("4", "1");
        assertThatThrownBy(() -> load(changed, b)).isInstanceOf(PickleVersionException.class)
                .hasMessageContaining("v.Job.work(I)V")
                .satisfies(e -> assertThat(((PickleVersionException) e).changedMethods()).containsExactly("v.Job.work(I)V"));
        Callable<List<String>> nothingRan = () -> {
            @SuppressWarnings("unchecked")
            List<String> out = (List<String>) changed.getField("OUT").get(null);
            return out;
        };
        assertThat(nothingRan.call()).isEmpty();
    }

    @Test
    void anotherProgramIdIsAnotherProgram() throws Exception {
        Class<?> job = variant("3", "1");
        byte[] b = dump(job);
        Pickler other = PickleTestSupport.builder(job).programId("release-2").build();
        Stackless.runAsMain(() -> assertThatThrownBy(() -> other.loads(b)).isInstanceOf(PickleVersionException.class)
                .hasMessageContaining("another program"));
        byte[] v = b.clone();
        v[5] = 9; // format version 9: refused before the signature is even checked
        Stackless.runAsMain(() -> assertThatThrownBy(() -> pickler(job).loads(v)).isInstanceOf(PickleVersionException.class)
                .hasMessageContaining("format version 9"));
    }
}
