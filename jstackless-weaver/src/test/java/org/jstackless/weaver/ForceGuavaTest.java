package org.jstackless.weaver;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Force mode on a large real-world jar (Guava): every method but constructors and static
 * initialisers woven, every call a suspension point. Every class must pass java.lang.classfile
 * verification and be loadable.
 */
class ForceGuavaTest {
    @TempDir
    Path tmp;

    @Test
    void everyGuavaClassVerifiesAndLoadsAfterForcedWeaving() throws Exception {
        Path guava = Path.of(com.google.common.collect.ImmutableList.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        Path out = tmp.resolve("guava-woven.jar");
        List<Path> cp = new ArrayList<>();
        for (String s : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            cp.add(Path.of(s));
        }
        long t0 = System.nanoTime();
        WeaveReport r = new Weaver(WeaverOptions.defaults().classPath(cp).forceAll(true)).weaveJar(guava, out);
        long t1 = System.nanoTime();
        Map<String, byte[]> classes = new HashMap<>();
        try (ZipFile z = new ZipFile(out.toFile())) {
            for (var e : java.util.Collections.list(z.entries())) {
                String n = e.getName();
                if (n.endsWith(".class") && !n.endsWith("module-info.class") && !n.startsWith("META-INF/")) {
                    classes.put(n.substring(0, n.length() - 6).replace('/', '.'), z.getInputStream(e).readAllBytes());
                }
            }
        }
        ClassHierarchyResolver res = ClassHierarchyResolver.defaultResolver()
                .orElse(ClassHierarchyResolver.ofResourceParsing(ForceGuavaTest.class.getClassLoader()));
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(res));
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            List<VerifyError> errs = cf.verify(e.getValue());
            if (!errs.isEmpty()) {
                failures.add(e.getKey() + ": " + errs.get(0).getMessage());
            }
        }
        assertThat(failures).as("verification failures").isEmpty();
        ClassLoader l = new ClassLoader(ForceGuavaTest.class.getClassLoader()) {
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
        };
        int loaded = 0;
        for (String n : classes.keySet()) {
            Class<?> c = Class.forName(n, false, l);
            assertThat(c.getClassLoader()).isSameAs(l);
            loaded++;
        }
        System.out.printf("force-woven Guava: %d classes, %d methods woven in %.1f s; %d classes verified and loaded%n",
                r.classesWoven(), r.methodsWoven(), (t1 - t0) / 1e9, loaded);
        assertThat(r.classesWoven()).isGreaterThan(1000);
    }
}
