package org.jstackless.weaver;

import org.jstackless.weaver.abi.Abi;
import org.jstackless.weaver.analysis.ClassHierarchy;
import org.jstackless.weaver.analysis.Lambdas;
import org.jstackless.weaver.rules.Rules;
import org.jstackless.weaver.transform.ClassTransform;
import org.jstackless.weaver.transform.ReferenceBridges;
import org.jstackless.weaver.transform.TransformException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.InsnNode;

/**
 * The soft-switching weaver: rewrites every suspendable method of a class so that it can unwind
 * its frame to the heap and be re-entered (see {@link MethodWeaver} for the per-method transform).
 *
 * <p>Algorithm of {@link #weaveClass}:
 * <ol>
 * <li>A class stamped {@code @org.jstackless.internal.soft.Woven} is returned unchanged.</li>
 * <li>Suspendable methods ({@link ClassHierarchy}): those declaring {@code throws
 *     org.jstackless.Suspendable}; overridable ones declaring {@code throws Throwable} (also the
 *     erasure of a generic {@code throws E}); and, implicitly, any method that calls a suspendable
 *     method, inside {@code catch (Throwable)} or not, unless marked {@code @Boundary}. Lambda
 *     implementation methods of this class whose functional interface method is suspendable are
 *     woven too, entered under that method's hash; a method reference to a suspendable method is
 *     registered as an accepted pair of hashes by the class's static initializer, unless its adapter
 *     converts the result: then it is first routed through a woven synthetic bridge of the class
 *     ({@link ReferenceBridges}), woven as such a lambda. Suspendable call
 *     sites: invocations whose resolved declaration is suspendable (resolved from class files).</li>
 * <li>Build-time checks (each failure names class, method and line; all failures are collected): a
 *     suspendable constructor or static initialiser; a suspendable call inside a {@code synchronized}
 *     method or block of a method declaring {@code throws Suspendable}; an override declaring
 *     {@code throws Suspendable} of a method that is not suspendable; a call to a method declaring
 *     {@code Suspendable} from one that neither declares nor catches it. Warnings (reported, the
 *     class is still woven): a constructor or static initialiser, or a {@code synchronized} region
 *     of an implicitly suspendable method, that calls a suspendable method (not woven there).</li>
 * <li>Each suspendable method is woven (its suspendable call sites, and unless
 *     {@link WeaverOptions#ticks} is off its tick points for preemption), the class stamped, its version raised to at least 55 (Java
 *     11: dynamic constants), and written with frames recomputed against the class-file
 *     hierarchy.</li>
 * </ol>
 * In force mode every method but constructors and static initialisers is woven, every call
 * outside a monitor is a suspension point, and no check runs (a stress test of the transform).
 * Instances are not thread-safe.
 */
public final class Weaver {
    static final String STAMP = Abi.WOVEN;

    private final WeaverOptions options;
    private ClassHierarchy hierarchy;

    /** A weaver with the given options. */
    public Weaver(WeaverOptions o) {
        this.options = o;
    }

    private ClassHierarchy hierarchy() throws IOException {
        if (hierarchy == null) {
            hierarchy = new ClassHierarchy(options.classPath(), options.classLoader());
        }
        return hierarchy;
    }

    /**
     * Weaves one class file. Returns the input array itself when there is nothing to weave (no
     * suspendable method, or the class is already stamped).
     */
    public byte[] weaveClass(byte[] classFile) throws WeaveException {
        WeaveReport r = new WeaveReport();
        return weaveClass(classFile, r);
    }

    /**
     * Like {@link #weaveClass(byte[])}, adding what it reports (warnings) to {@code report}. The
     * steps: read the class; analyse its lambdas ({@link Lambdas}); apply the build-time rules,
     * which decide what to weave ({@link Rules}); transform ({@link ClassTransform}); write it with
     * frames recomputed against the class-file hierarchy.
     */
    public byte[] weaveClass(byte[] classFile, WeaveReport report) throws WeaveException {
        ClassHierarchy h;
        try {
            h = hierarchy();
        } catch (IOException e) {
            throw new WeaveException("cannot open the weaver's class path: " + e, e);
        }
        ClassNode cn = new ClassNode();
        new ClassReader(classFile).accept(cn, 0);
        if (isStamped(cn) || (cn.access & Opcodes.ACC_MODULE) != 0) {
            return classFile;
        }
        h.addLocal(cn.name, classFile);
        boolean force = options.forceAll();
        ReferenceBridges.apply(cn, h); // before the analysis: the bridges are woven like lambdas
        Lambdas lambdas = Lambdas.of(cn, h, force);
        Rules.Plan plan = Rules.check(cn, classFile, h, lambdas, force);
        plan.warnings().forEach(report::warning);
        plan.messages().forEach(report::message);
        if (!plan.errors().isEmpty()) {
            throw new WeaveException(String.join("\n", plan.errors()));
        }
        if (plan.toWeave().isEmpty() && lambdas.aliases().isEmpty()) {
            return classFile;
        }
        int methods;
        try {
            methods = ClassTransform.apply(cn, h, plan, lambdas.aliases(), options.ticks());
        } catch (TransformException e) {
            throw new WeaveException(e.getMessage());
        }
        byte[] out = write(cn, h);
        report.addClass(methods);
        return out;
    }

    /** The class file of {@code cn}, frames recomputed against the class-file hierarchy. */
    private static byte[] write(ClassNode cn, ClassHierarchy h) throws WeaveException {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return h.commonSuperClass(a, b);
            }
        };
        try {
            cn.accept(cw);
            return cw.toByteArray();
        } catch (org.objectweb.asm.MethodTooLargeException e) {
            throw new WeaveException(cn.name.replace('/', '.') + "." + e.getMethodName() + e.getDescriptor() + " is "
                    + e.getCodeSize() + " bytes of bytecode once woven, over the JVM's limit of 65535: every "
                    + "suspension point saves and restores the values live there. Fix: split the method (move "
                    + "loops or long expressions that make suspendable calls into methods of their own).", e);
        } catch (RuntimeException e) {
            throw new WeaveException(cn.name.replace('/', '.') + ": cannot write the woven class: " + e, e);
        }
    }

    private static boolean isStamped(ClassNode cn) {
        if (cn.visibleAnnotations != null) {
            for (AnnotationNode a : cn.visibleAnnotations) {
                if (a.desc.equals(STAMP)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Weaves every class file under {@code classesDir} in place (only changed files are
     * rewritten). All errors are collected and thrown together.
     */
    public WeaveReport weaveDirectory(Path classesDir) throws WeaveException, IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(classesDir)) {
            files = s.filter(p -> p.toString().endsWith(".class") && Files.isRegularFile(p)).sorted().toList();
        }
        Map<Path, byte[]> in = new LinkedHashMap<>();
        for (Path p : files) {
            byte[] b = Files.readAllBytes(p);
            in.put(p, b);
            if (!p.getFileName().toString().equals("module-info.class")) {
                hierarchy().addLocal(new ClassReader(b).getClassName(), b);
            }
        }
        WeaveReport report = new WeaveReport();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<Path, byte[]> e : in.entrySet()) {
            if (e.getKey().getFileName().toString().equals("module-info.class")) {
                continue;
            }
            try {
                byte[] out = weaveClass(e.getValue(), report);
                if (out != e.getValue()) {
                    Files.write(e.getKey(), out);
                }
            } catch (WeaveException ex) {
                errors.add(ex.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new WeaveException(String.join("\n", errors));
        }
        return report;
    }

    /** Weaves the classes of jar {@code in} into a new jar {@code out}; other entries are copied. */
    public WeaveReport weaveJar(Path in, Path out) throws WeaveException, IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Manifest manifest;
        try (JarInputStream jin = new JarInputStream(Files.newInputStream(in), false)) {
            manifest = jin.getManifest();
            for (JarEntry e; (e = jin.getNextJarEntry()) != null;) {
                if (!e.isDirectory()) {
                    entries.put(e.getName(), readAll(jin));
                }
            }
        }
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (e.getKey().endsWith(".class") && !e.getKey().endsWith("module-info.class")) {
                hierarchy().addLocal(new ClassReader(e.getValue()).getClassName(), e.getValue());
            }
        }
        WeaveReport report = new WeaveReport();
        List<String> errors = new ArrayList<>();
        Map<String, byte[]> woven = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] b = e.getValue();
            if (e.getKey().endsWith(".class") && !e.getKey().endsWith("module-info.class")) {
                try {
                    b = weaveClass(b, report);
                } catch (WeaveException ex) {
                    errors.add(ex.getMessage());
                }
            }
            woven.put(e.getKey(), b);
        }
        if (!errors.isEmpty()) {
            throw new WeaveException(String.join("\n", errors));
        }
        try (OutputStream os = Files.newOutputStream(out);
                JarOutputStream jout = manifest != null ? new JarOutputStream(os, manifest) : new JarOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : woven.entrySet()) {
                jout.putNextEntry(new JarEntry(e.getKey()));
                jout.write(e.getValue());
                jout.closeEntry();
            }
        }
        return report;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }

}
