import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Build check (issue 12): every test class of a module was executed. Run by the parent POM in the
 * {@code verify} phase of each module, after surefire and failsafe, as
 * {@code java -cp <test class path> CheckTestsRan.java <test-classes> <report dir>...}.
 *
 * <p>A test class is a concrete class with a method (its own or inherited) carrying an annotation
 * that is, or is meta-annotated with, JUnit's {@code @Testable} ({@code @Test},
 * {@code @ParameterizedTest}, {@code @TestTemplate} and the project's {@code @SwitchingTest} ...).
 * It was executed when a report {@code TEST-<class>.xml} exists in one of the report directories.
 * A member class with tests counts as covered by its top-level class only when it is a
 * {@code @Nested} inner class; a static nested class with tests is never run by surefire, so it fails.
 *
 * <p>Why a separate check: surefire silently skips classes whose names do not match its includes
 * ({@code *Test}, {@code Test*}, {@code *Tests}, {@code *TestCase}, and {@code *IT} for failsafe);
 * eight tests once went unrun that way. The check reads what actually ran, not the name patterns.
 */
public final class CheckTestsRan {
    private static final String TESTABLE = "org.junit.platform.commons.annotation.Testable";
    private static final String NESTED = "org.junit.jupiter.api.Nested";

    public static void main(String[] args) throws Exception {
        Path classes = Path.of(args[0]);
        if (!Files.isDirectory(classes)) {
            return; // a module without tests
        }
        List<Path> reportDirs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            reportDirs.add(Path.of(args[i]));
        }
        List<String> unrun = new ArrayList<>();
        int checked = 0;
        for (String name : classNames(classes)) {
            Class<?> c;
            try {
                c = Class.forName(name, false, ClassLoader.getSystemClassLoader());
            } catch (LinkageError | ClassNotFoundException e) {
                continue; // not loadable on its own (e.g. a weaving fixture); it cannot be a runnable test either
            }
            if (c.isInterface() || c.isAnnotation() || Modifier.isAbstract(c.getModifiers()) || !hasTests(c)) {
                continue;
            }
            checked++;
            Class<?> top = c;
            boolean nested = true;
            while (top.getEnclosingClass() != null) {
                nested &= isNested(top);
                top = top.getEnclosingClass();
            }
            if (top != c && !nested) {
                unrun.add(name + " (a nested class with tests must be a non-static inner class annotated @Nested)");
            } else if (!ran(top.getName(), reportDirs)) {
                unrun.add(name + " (no TEST-" + top.getName() + ".xml: is it named *Test, or *IT for failsafe?)");
            }
        }
        if (!unrun.isEmpty()) {
            System.err.println("[CheckTestsRan] test classes that were not executed:");
            unrun.forEach(u -> System.err.println("  " + u));
            System.exit(1);
        }
        System.out.println("[CheckTestsRan] " + checked + " test classes, all executed");
    }

    private static List<String> classNames(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().equals("module-info.class"))
                    .forEach(p -> {
                        String rel = root.relativize(p).toString();
                        names.add(rel.substring(0, rel.length() - ".class".length()).replace('/', '.').replace('\\', '.'));
                    });
        }
        names.sort(null);
        return names;
    }

    private static boolean hasTests(Class<?> c) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            Method[] methods;
            try {
                methods = k.getDeclaredMethods();
            } catch (LinkageError e) {
                return false;
            }
            for (Method m : methods) {
                for (Annotation a : m.getAnnotations()) {
                    if (isTestable(a.annotationType(), new HashSet<>())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isTestable(Class<? extends Annotation> type, Set<Class<?>> seen) {
        if (!seen.add(type)) {
            return false;
        }
        if (type.getName().equals(TESTABLE)) {
            return true;
        }
        for (Annotation meta : type.getAnnotations()) {
            if (isTestable(meta.annotationType(), seen)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNested(Class<?> c) {
        if (Modifier.isStatic(c.getModifiers())) {
            return false;
        }
        for (Annotation a : c.getAnnotations()) {
            if (a.annotationType().getName().equals(NESTED)) {
                return true;
            }
        }
        return false;
    }

    private static boolean ran(String className, List<Path> reportDirs) {
        for (Path d : reportDirs) {
            if (Files.exists(d.resolve("TEST-" + className + ".xml"))) {
                return true;
            }
        }
        return false;
    }
}
