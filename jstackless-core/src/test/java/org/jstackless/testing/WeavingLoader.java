package org.jstackless.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.weaver.Weaver;
import org.jstackless.weaver.WeaverOptions;

/**
 * Test helper: compiles Java sources in memory, weaves the class files, and loads either the
 * plain or the woven classes in a fresh class loader whose parent is the test class path.
 */
public final class WeavingLoader {
    private static final java.util.spi.ToolProvider JAVAC = java.util.spi.ToolProvider.findFirst("javac").orElseThrow();

    private WeavingLoader() {
    }

    /** Compiles {@code sources} (class name to text); returns class files by binary name. */
    public static Map<String, byte[]> compile(Map<String, String> sources) {
        try {
            Path dir = java.nio.file.Files.createTempDirectory("jsl-src");
            try {
                List<String> args = new ArrayList<>(List.of("-classpath", System.getProperty("java.class.path"),
                        "-g", "-nowarn", "-proc:none", "--release", "25", "-d", dir.resolve("out").toString()));
                for (Map.Entry<String, String> e : sources.entrySet()) {
                    Path p = dir.resolve("src").resolve(e.getKey().replace('.', '/') + ".java");
                    java.nio.file.Files.createDirectories(p.getParent());
                    java.nio.file.Files.writeString(p, e.getValue());
                    args.add(p.toString());
                }
                java.io.StringWriter err = new java.io.StringWriter();
                int rc = JAVAC.run(new java.io.PrintWriter(err), new java.io.PrintWriter(err), args.toArray(String[]::new));
                if (rc != 0) {
                    throw new IllegalArgumentException("compilation failed: " + err + "\n" + sources);
                }
                Map<String, byte[]> r = new HashMap<>();
                Path out = dir.resolve("out");
                try (var s = java.nio.file.Files.walk(out)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        String n = out.relativize(p).toString();
                        if (n.endsWith(".class")) {
                            r.put(n.substring(0, n.length() - 6).replace(File.separatorChar, '.'),
                                    java.nio.file.Files.readAllBytes(p));
                        }
                    }
                }
                return r;
            } finally {
                delete(dir);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything under it. */
    public static void delete(Path dir) throws java.io.IOException {
        try (var s = java.nio.file.Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A weaver resolving against the test class path. */
    public static Weaver weaver() {
        List<Path> cp = new ArrayList<>();
        for (String s : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.add(Path.of(s));
        }
        return new Weaver(WeaverOptions.defaults().classPath(cp));
    }

    /** Weaves every class (others first registered so they resolve); returns the new class files. */
    public static Map<String, byte[]> weave(Map<String, byte[]> classes) throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("jsl-weave");
        try {
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                Path p = dir.resolve(e.getKey().replace('.', '/') + ".class");
                java.nio.file.Files.createDirectories(p.getParent());
                java.nio.file.Files.write(p, e.getValue());
            }
            weaver().weaveDirectory(dir);
            Map<String, byte[]> r = new HashMap<>();
            for (String k : classes.keySet()) {
                r.put(k, java.nio.file.Files.readAllBytes(dir.resolve(k.replace('.', '/') + ".class")));
            }
            return r;
        } finally {
            delete(dir);
        }
    }

    /** A loader defining {@code classes} (child-first for them). */
    public static ClassLoader load(Map<String, byte[]> classes) {
        return new ClassLoader(WeavingLoader.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }

            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    if (classes.containsKey(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : findClass(name);
                    }
                    return super.loadClass(name, resolve);
                }
            }
        };
    }

    /** Verification errors of a class file, by java.lang.classfile. */
    public static List<String> verify(byte[] b, Map<String, byte[]> others) {
        var resolver = java.lang.classfile.ClassHierarchyResolver.defaultResolver()
                .orElse(java.lang.classfile.ClassHierarchyResolver.ofResourceParsing(cd -> {
                    String n = cd.descriptorString();
                    n = n.substring(1, n.length() - 1).replace('/', '.');
                    byte[] x = others.get(n);
                    return x == null ? null : new java.io.ByteArrayInputStream(x);
                }))
                .orElse(java.lang.classfile.ClassHierarchyResolver.ofClassLoading(WeavingLoader.class.getClassLoader()));
        List<String> r = new ArrayList<>();
        var cf = java.lang.classfile.ClassFile.of(java.lang.classfile.ClassFile.ClassHierarchyResolverOption.of(resolver));
        for (VerifyError e : cf.verify(b)) {
            r.add(e.getMessage());
        }
        return r;
    }
}
