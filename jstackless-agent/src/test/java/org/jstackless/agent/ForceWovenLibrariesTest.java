package org.jstackless.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.jstackless.weaver.Weaver;
import org.jstackless.weaver.WeaverOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * commons-lang3 and Guava force-woven (every method woven, every call a suspension point), as they
 * load, and run from soft tasklets under preemptive {@code run(ticks)} with budgets from 1 to
 * 10,000: the results equal the unwoven ones, every tasklet ends, the scheduler keeps working.
 * Preemption inside JDK callbacks (a comparator in {@code Arrays.sort}, stream lambdas,
 * {@code toString()} called by {@code StringBuilder}) is deferred, not refused.
 */
class ForceWovenLibrariesTest {
    private static final String DRIVER = """
            package drv;
            import java.util.List;
            import org.apache.commons.lang3.ArrayUtils;
            import org.apache.commons.lang3.StringUtils;
            import com.google.common.base.Joiner;
            import com.google.common.base.Splitter;
            import com.google.common.collect.ImmutableSortedSet;
            import com.google.common.collect.Lists;
            import com.google.common.collect.Ordering;
            public class Drv {
                public static String work(int k) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < 3; i++) {
                        sb.append(StringUtils.leftPad(Integer.toString(k * 7 + i), 5, '*'));
                        sb.append(StringUtils.capitalize("abc" + i)).append(StringUtils.reverse("xyz" + k));
                        sb.append(StringUtils.join(new int[] {k, i, 3}, ','));
                        sb.append(StringUtils.abbreviate("the quick brown fox " + k, 12));
                        int[] arr = {k, 3, 1, i};
                        ArrayUtils.reverse(arr);
                        sb.append(ArrayUtils.toString(arr));
                        sb.append(Joiner.on('-').join(Lists.newArrayList("a", "b" + k, "c")));
                        sb.append(Splitter.on(',').trimResults().splitToList(" x, y ," + i));
                        sb.append(Ordering.natural().reverse().sortedCopy(Lists.newArrayList(3, k, i, 9)));
                        sb.append(ImmutableSortedSet.copyOf(Lists.newArrayList("q" + i, "b", "k" + k)));
                        int m = k;
                        sb.append(Lists.transform(List.of(1, 2, 3), x -> x * m + StringUtils.length("ab")));
                        sb.append(java.util.Arrays.stream(new int[] {k, 2, 5}).map(x -> x * 3 + StringUtils.length("abc")).sum());
                        Integer[] srt = {k, 4, 12, 8, i};
                        java.util.Arrays.sort(srt, (a, b) -> StringUtils.compare(a.toString(), b.toString()));
                        sb.append(List.of(srt));
                    }
                    return sb.toString();
                }
                public static org.jstackless.TaskletBody body(int k, Object[] slot) {
                    return () -> slot[0] = work(k);
                }
            }
            """;

    /** Loads the libraries and the driver itself (child first), force-woven when {@code weave}. */
    static final class Loader extends ClassLoader {
        private final Path driver;
        private final Weaver weaver;
        private final Map<String, Class<?>> done = new ConcurrentHashMap<>();

        Loader(Path driver, boolean weave, List<Path> cp) {
            super(ForceWovenLibrariesTest.class.getClassLoader());
            this.driver = driver;
            this.weaver = weave ? new Weaver(WeaverOptions.defaults().classPath(cp).forceAll(true)) : null;
        }

        private static boolean mine(String name) {
            return name.startsWith("org.apache.commons.lang3.") || name.startsWith("com.google.common.")
                    || name.startsWith("drv.");
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!mine(name)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c != null) {
                    return c;
                }
                String res = name.replace('.', '/') + ".class";
                byte[] b;
                try {
                    Path p = driver.resolve(res);
                    if (Files.exists(p)) {
                        b = Files.readAllBytes(p);
                    } else {
                        try (InputStream in = getParent().getResourceAsStream(res)) {
                            if (in == null) {
                                throw new ClassNotFoundException(name);
                            }
                            b = in.readAllBytes();
                        }
                    }
                    if (weaver != null) {
                        b = weaver.weaveClass(b);
                    }
                } catch (IOException | org.jstackless.weaver.WeaveException e) {
                    throw new ClassNotFoundException(name, e);
                }
                return defineClass(name, b, 0, b.length);
            }
        }
    }

    @TempDir
    Path tmp;

    @Test
    void forceWovenCommonsLang3AndGuavaUnderRunTicksGiveTheUnwovenResults() throws Exception {
        Path src = tmp.resolve("src/drv/Drv.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, DRIVER);
        Path out = tmp.resolve("classes");
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", out.toString(), "-cp",
                System.getProperty("java.class.path"), src.toString());
        assertThat(rc).isZero();
        List<Path> cp = new ArrayList<>();
        cp.add(out);
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            cp.add(Path.of(e));
        }
        int n = 4;
        Loader plain = new Loader(out, false, cp);
        List<String> expected = new ArrayList<>();
        Method work = plain.loadClass("drv.Drv").getMethod("work", int.class);
        for (int k = 0; k < n; k++) {
            expected.add((String) work.invoke(null, k));
        }
        Loader woven = new Loader(out, true, cp);
        Method body = woven.loadClass("drv.Drv").getMethod("body", int.class, Object[].class);
        long preemptions = 0;
        for (long budget : new long[] {1, 2, 3, 5, 10, 30, 100, 300, 1000, 3000, 10_000}) {
            List<Object[]> slots = new ArrayList<>();
            List<Tasklet> ts = new ArrayList<>();
            long[] count = {0};
            Stackless.runAsMain(() -> {
                for (int k = 0; k < n; k++) {
                    Object[] slot = new Object[1];
                    slots.add(slot);
                    try {
                        ts.add(Tasklet.spawn((TaskletBody) body.invoke(null, k, slot)));
                        assertThat(ts.getLast().isSoft()).isTrue();
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }
                for (int guard = 0; guard < 10_000_000; guard++) {
                    Tasklet v = Stackless.run(budget);
                    if (v == null) {
                        break;
                    }
                    count[0]++;
                    v.insert();
                }
                // The scheduler keeps working afterwards.
                Tasklet after = Tasklet.spawn(() -> Stackless.schedule());
                assertThat(Stackless.run(budget)).isNull();
                assertThat(after.isAlive()).isFalse();
            });
            preemptions += count[0];
            for (int k = 0; k < n; k++) {
                assertThat(ts.get(k).isAlive()).as("budget " + budget + ": tasklet " + k + " ended").isFalse();
                assertThat(slots.get(k)[0]).as("budget " + budget + ", tasklet " + k).isEqualTo(expected.get(k));
            }
        }
        System.out.println("force-woven commons-lang3 + Guava: " + preemptions + " preemptions, results identical");
        assertThat(preemptions).isPositive();
    }
}
