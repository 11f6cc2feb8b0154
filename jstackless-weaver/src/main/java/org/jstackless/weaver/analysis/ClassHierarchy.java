package org.jstackless.weaver.analysis;

import org.jstackless.weaver.abi.Abi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Type facts read from class files, never from loaded classes: super class, interfaces, which
 * methods declare that they may suspend, and which methods call such methods.
 *
 * <p>Algorithm: a class file is looked up, in order, among the classes being woven (registered
 * with {@link #addLocal}), the class-path entries (directories and jars), the optional class
 * loader's resources, and the JDK's system resources; it is parsed once and cached. A method
 * <em>declares</em> that it may suspend when its {@code throws} clause names
 * {@code org.jstackless.Suspendable}, or names {@code Throwable} and it can be overridden (javac lets
 * a {@code throws Throwable} method, and a generic {@code <E extends Throwable> ... throws E}
 * method, whose erasure is that, call suspendable code, so an override may; JDK classes excepted). A method is <em>suspendable</em> when the
 * declaration found by JVM method resolution (the class, its superclasses, then its
 * superinterfaces breadth first) declares it, or — implicitly — calls a suspendable method, with
 * or without a {@code catch} around the call (only in classes being woven or classes that mention
 * {@code org/jstackless/}, whose code is read; never constructors, static initialisers or methods
 * marked {@code @Boundary}). The implicit part is a least fixpoint over the call graph, computed on
 * demand by a depth-first search that caches every positive answer and every negative answer that
 * did not rely on a method still being searched.
 */
public final class ClassHierarchy implements AutoCloseable {
    public static final String SUSPENDABLE = Abi.SUSPENDABLE;
    public static final String BOUNDARY = Abi.BOUNDARY;
    private static final byte[] OWN_MARKER = "org/jstackless/".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    /**
     * One method's facts: {@code suspendable} is whether its {@code throws} clause declares it (see
     * the class comment); {@code calls} the methods its code invokes ({@code owner.name desc},
     * owner first), or null when its code was not read.
     */
    public record Method(String name, String desc, int access, boolean suspendable, boolean explicit, boolean boundary,
            List<String[]> calls) {
    }

    /** One class's facts. */
    public record Info(String name, String superName, List<String> interfaces, boolean isInterface,
            Map<String, Method> methods) {
        public Method method(String name, String desc) {
            return methods.get(name + desc);
        }
    }

    private static final Info MISSING = new Info("", null, List.of(), false, Map.of());

    private final Map<String, byte[]> local = new ConcurrentHashMap<>();
    private final List<Path> dirs = new ArrayList<>();
    private final List<ZipFile> jars = new ArrayList<>();
    private final ClassLoader loader;
    private final Map<String, Info> cache = new ConcurrentHashMap<>();

    public ClassHierarchy(List<Path> classPath, ClassLoader loader) throws IOException {
        for (Path p : classPath) {
            if (Files.isDirectory(p)) {
                dirs.add(p);
            } else if (Files.isRegularFile(p)) {
                jars.add(new ZipFile(p.toFile()));
            }
        }
        this.loader = loader;
    }

    /** Makes a class being woven resolvable (before the class path). */
    public void addLocal(String internalName, byte[] bytes) {
        local.put(internalName, bytes);
        cache.remove(internalName);
    }

    /** The class's facts, or null when its class file cannot be found. */
    public Info get(String internalName) {
        Info i = cache.get(internalName);
        if (i == null) {
            i = load(internalName);
            cache.put(internalName, i);
        }
        return i == MISSING ? null : i;
    }

    private Info load(String name) {
        byte[] b;
        try {
            b = bytes(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (b == null) {
            return MISSING;
        }
        return parse(b, local.containsKey(name) || mentions(b, OWN_MARKER));
    }

    public static boolean mentions(byte[] b, byte[] marker) {
        byte first = marker[0];
        int last = b.length - marker.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (b[i] != first) {
                continue;
            }
            for (int j = 1; j < marker.length; j++) {
                if (b[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    public static Info parse(byte[] b) {
        return parse(b, true);
    }

    /** Parses a class file; the code of its methods is read when {@code code} is true. */
    public static Info parse(byte[] b, boolean code) {
        ClassReader r = new ClassReader(b);
        Map<String, Method> methods = new HashMap<>();
        String[] holder = new String[2];
        int[] acc = new int[1];
        List<String> itfs = new ArrayList<>();
        r.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                holder[0] = name;
                holder[1] = superName;
                acc[0] = access;
                if (interfaces != null) {
                    itfs.addAll(List.of(interfaces));
                }
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                boolean explicit = false;
                boolean thr = false;
                if (exceptions != null) {
                    for (String e : exceptions) {
                        explicit |= SUSPENDABLE.equals(e);
                        thr |= "java/lang/Throwable".equals(e);
                    }
                }
                // throws Throwable (or a type variable erased to it): whatever overrides it may switch;
                // a static, private or final one is suspendable only if it calls a suspendable method.
                boolean s = explicit || thr && !isJdk(holder[0])
                        && (access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL)) == 0;
                boolean ex = explicit;
                List<String[]> calls = code && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0
                        ? new ArrayList<>() : null;
                String key = name + descriptor;
                methods.put(key, new Method(name, descriptor, access, s, ex, false, calls));
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public org.objectweb.asm.AnnotationVisitor visitAnnotation(String desc, boolean visible) {
                        if (BOUNDARY.equals(desc)) {
                            methods.put(key, new Method(name, descriptor, access, s, ex, true, calls));
                        }
                        return null;
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        if (calls != null && !n.equals("<init>")) {
                            calls.add(new String[] {owner, n, d});
                        }
                    }
                };
            }
        }, (code ? 0 : ClassReader.SKIP_CODE) | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new Info(holder[0], holder[1], List.copyOf(itfs), (acc[0] & Opcodes.ACC_INTERFACE) != 0,
                methods);
    }

    private byte[] bytes(String name) throws IOException {
        byte[] b = local.get(name);
        if (b != null) {
            return b;
        }
        String res = name + ".class";
        for (Path d : dirs) {
            Path p = d.resolve(res);
            if (Files.isRegularFile(p)) {
                return Files.readAllBytes(p);
            }
        }
        for (ZipFile z : jars) {
            ZipEntry e = z.getEntry(res);
            if (e != null) {
                try (InputStream in = z.getInputStream(e)) {
                    return in.readAllBytes();
                }
            }
        }
        if (loader != null) {
            try (InputStream in = loader.getResourceAsStream(res)) {
                if (in != null) {
                    return in.readAllBytes();
                }
            }
        }
        try (InputStream in = ClassLoader.getSystemResourceAsStream(res)) {
            if (in != null) {
                return in.readAllBytes();
            }
        }
        return null;
    }

    /** True for classes of the JDK, which never declare Suspendable. */
    public static boolean isJdk(String owner) {
        return owner.startsWith("java/") || owner.startsWith("javax/") || owner.startsWith("jdk/")
                || owner.startsWith("sun/") || owner.startsWith("com/sun/");
    }

    /**
     * Resolves {@code owner.name desc} as the JVM does and tells whether its declaration is
     * suspendable; false when it cannot be resolved. Arrays and JDK classes are never suspendable.
     */
    public boolean isSuspendable(String owner, String name, String desc) {
        Method m = resolve(owner, name, desc);
        return m != null && isSuspendable(m);
    }

    /** True if {@code owner.name desc} resolves to a method that declares {@code throws Suspendable}. */
    public boolean isExplicitlySuspendable(String owner, String name, String desc) {
        Method m = resolve(owner, name, desc);
        return m != null && m.explicit();
    }

    private final Map<Method, Boolean> implicit = new java.util.IdentityHashMap<>();
    private final Set<Method> searching = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private boolean reliedOnSearching;

    /** Whether {@code m} is suspendable, declared or implicitly (see the class comment). */
    public boolean isSuspendable(Method m) {
        if (m.suspendable()) {
            return true;
        }
        if (m.boundary() || m.calls() == null || m.name().startsWith("<")) {
            return false;
        }
        Boolean known = implicit.get(m);
        if (known != null) {
            return known;
        }
        if (!searching.add(m)) {
            reliedOnSearching = true;
            return false;
        }
        boolean outer = reliedOnSearching;
        reliedOnSearching = false;
        boolean r = false;
        try {
            for (String[] c : m.calls()) {
                if (isSuspendable(c[0], c[1], c[2])) {
                    r = true;
                    break;
                }
            }
        } finally {
            searching.remove(m);
        }
        if (r || !reliedOnSearching) {
            implicit.put(m, r);
        }
        reliedOnSearching |= outer;
        return r;
    }

    /** The declaration {@code owner.name desc} resolves to, or null. */
    public Method resolve(String owner, String name, String desc) {
        if (owner.startsWith("[") || isJdk(owner)) {
            return null;
        }
        for (String c = owner; c != null;) {
            Info i = get(c);
            if (i == null) {
                break;
            }
            Method m = i.method(name, desc);
            if (m != null) {
                return m;
            }
            c = i.superName();
        }
        Deque<String> q = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        for (String c = owner; c != null;) {
            Info i = get(c);
            if (i == null) {
                break;
            }
            q.addAll(i.interfaces());
            c = i.superName();
        }
        while (!q.isEmpty()) {
            String c = q.poll();
            if (!seen.add(c)) {
                continue;
            }
            Info i = get(c);
            if (i == null) {
                continue;
            }
            Method m = i.method(name, desc);
            if (m != null && (m.access() & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0) {
                return m;
            }
            q.addAll(i.interfaces());
        }
        return null;
    }

    /**
     * The methods {@code cls.name desc} overrides: the nearest non-private, non-static declaration
     * in each superclass chain and every superinterface (package access ignored).
     */
    public List<Method> overridden(Info cls, String name, String desc) {
        List<Method> r = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> q = new ArrayDeque<>();
        if (cls.superName() != null) {
            q.add(cls.superName());
        }
        q.addAll(cls.interfaces());
        while (!q.isEmpty()) {
            String c = q.poll();
            if (!seen.add(c)) {
                continue;
            }
            Info i = get(c);
            if (i == null) {
                continue;
            }
            Method m = i.method(name, desc);
            if (m != null && (m.access() & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0) {
                r.add(m);
                q.addAll(i.interfaces());
                continue;
            }
            if (i.superName() != null) {
                q.add(i.superName());
            }
            q.addAll(i.interfaces());
        }
        return r;
    }

    /** True if {@code sub} is {@code sup} or a subtype of it; unknown classes are not. */
    public boolean isSubclassOf(String sub, String sup) {
        if (sub.equals(sup) || sup.equals("java/lang/Object")) {
            return true;
        }
        Deque<String> q = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        q.add(sub);
        while (!q.isEmpty()) {
            String c = q.poll();
            if (!seen.add(c)) {
                continue;
            }
            if (c.equals(sup)) {
                return true;
            }
            Info i = get(c);
            if (i == null) {
                continue;
            }
            if (i.superName() != null) {
                q.add(i.superName());
            }
            q.addAll(i.interfaces());
        }
        return false;
    }

    /** The nearest common superclass, as {@code ClassWriter.getCommonSuperClass} needs it. */
    public String commonSuperClass(String a, String b) {
        if (isSubclassOf(b, a)) {
            Info ia = get(a);
            return ia != null && ia.isInterface() ? "java/lang/Object" : a;
        }
        if (isSubclassOf(a, b)) {
            Info ib = get(b);
            return ib != null && ib.isInterface() ? "java/lang/Object" : b;
        }
        Info ia = get(a);
        if (ia == null || ia.isInterface()) {
            return "java/lang/Object";
        }
        Info ib = get(b);
        if (ib == null || ib.isInterface()) {
            return "java/lang/Object";
        }
        String c = a;
        while (c != null) {
            if (isSubclassOf(b, c)) {
                return c;
            }
            Info i = get(c);
            c = i == null ? null : i.superName();
        }
        return "java/lang/Object";
    }

    @Override
    public void close() throws IOException {
        for (ZipFile z : jars) {
            z.close();
        }
    }
}
