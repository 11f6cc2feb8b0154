package org.jstackless.weaver;

import org.jstackless.weaver.abi.Abi;
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
 *     registered as an accepted pair of hashes by the class's static initializer. Suspendable call
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
    /** Name of the re-entry dispatcher added to a woven class (see {@link #dispatcher}). */
    static final String DISPATCHER = Abi.DISPATCHER;
    static final String DISPATCHER_DESC = Abi.DISPATCHER_DESC;
    private static final String LMF = "java/lang/invoke/LambdaMetafactory";

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

    /** Like {@link #weaveClass(byte[])}, adding what it reports (warnings) to {@code report}. */
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

        // Lambdas: javac's implementation methods (lambda$...) of this class are entered through a
        // proxy under the functional interface method's hash; a method reference's target keeps its
        // own hash, so the pair is registered as accepted (SoftContext.alias) by the static initializer.
        Map<String, Integer> lambdaHash = new HashMap<>();
        java.util.Set<String> lambdaSuspendable = new java.util.HashSet<>();
        java.util.Set<Integer> aliases = new java.util.TreeSet<>();
        for (MethodNode m : cn.methods) {
            for (AbstractInsnNode x : m.instructions) {
                if (x instanceof InvokeDynamicInsnNode indy && indy.bsm.getOwner().equals(LMF)
                        && indy.bsmArgs.length >= 3 && indy.bsmArgs[1] instanceof Handle impl
                        && indy.bsmArgs[0] instanceof Type sam) {
                    String itf = Type.getReturnType(indy.desc).getInternalName();
                    int samHash = MethodWeaver.hash(indy.name, sam.getDescriptor());
                    boolean samSuspendable = h.isSuspendable(itf, indy.name, sam.getDescriptor());
                    MethodNode target = impl.getOwner().equals(cn.name) ? find(cn, impl.getName(), impl.getDesc()) : null;
                    if (target != null && isJavacLambda(target)) {
                        lambdaHash.put(impl.getName() + impl.getDesc(), samHash);
                        if (samSuspendable) {
                            lambdaSuspendable.add(impl.getName() + impl.getDesc());
                        }
                    } else if (!impl.getName().startsWith("<") && (samSuspendable || force
                            || h.isSuspendable(impl.getOwner(), impl.getName(), impl.getDesc()))) {
                        int key = samHash ^ MethodWeaver.hash(impl.getName(), impl.getDesc());
                        if (key != 0) {
                            aliases.add(key);
                        }
                    }
                }
            }
        }

        List<String> errors = new ArrayList<>();
        Map<MethodNode, List<MethodInsnNode>> toWeave = new LinkedHashMap<>();
        Map<MethodNode, Integer> hashes = new HashMap<>();
        ClassHierarchy.Info self = ClassHierarchy.parse(classFile);
        for (MethodNode m : cn.methods) {
            boolean ctor = m.name.equals("<init>") || m.name.equals("<clinit>");
            boolean declares = m.exceptions != null && m.exceptions.contains(ClassHierarchy.SUSPENDABLE);
            boolean throwsThrowable = m.exceptions != null && m.exceptions.contains("java/lang/Throwable");
            String key = m.name + m.desc;
            Integer lh = lambdaHash.get(key);
            boolean lambdaSusp = lambdaSuspendable.contains(key);
            boolean hasCode = (m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0;
            boolean boundary = hasAnnotation(m, ClassHierarchy.BOUNDARY);
            List<MethodInsnNode> sites = new ArrayList<>();
            int[] depth = hasCode ? monitorDepths(m) : new int[0];
            int i = 0;
            for (AbstractInsnNode x : m.instructions) {
                if (x instanceof MethodInsnNode mi && !mi.name.equals("<init>")) {
                    boolean site = force ? !mi.owner.startsWith(Abi.SOFT_PACKAGE)
                            : h.isSuspendable(mi.owner, mi.name, mi.desc);
                    if (site) {
                        boolean inMonitor = depth[i] > 0 || (m.access & Opcodes.ACC_SYNCHRONIZED) != 0;
                        if (force) {
                            if (depth[i] == 0) {
                                sites.add(mi);
                            }
                        } else if (inMonitor && !ctor && !boundary) {
                            String what = msg(cn, m, x, "calls suspendable " + name(mi)
                                    + " inside synchronized: a soft switch cannot keep a monitor; use a lock that is "
                                    + "released explicitly (a tasklet-aware lock of org.jstackless.sync), or do not "
                                    + "switch while holding it");
                            if (declares || lambdaSusp) {
                                errors.add(what);
                            } else {
                                report.warning(what + " (this call is left unwoven: a soft tasklet that switches "
                                        + "inside it gets an IllegalStateException at the switch)");
                            }
                        } else {
                            sites.add(mi);
                        }
                    }
                }
                i++;
            }
            if (force) {
                if (!ctor && hasCode) {
                    toWeave.put(m, sites);
                    hashes.put(m, lh != null ? lh : MethodWeaver.hash(m.name, m.desc));
                }
                continue;
            }
            if (ctor) {
                if (declares) {
                    errors.add(msg(cn, m, null, (m.name.equals("<init>") ? "a constructor" : "a static initializer")
                            + " cannot be suspendable (remove 'throws Suspendable')"));
                } else if (!sites.isEmpty()) {
                    report.warning(msg(cn, m, sites.get(0), (m.name.equals("<init>") ? "a constructor" : "a static "
                            + "initializer") + " calls suspendable " + name(sites.get(0)) + " and cannot be woven: a "
                            + "soft tasklet that switches inside it gets an IllegalStateException at the switch. Fix: "
                            + "make the call from a method (e.g. a static factory that declares 'throws Suspendable'), "
                            + "or run that tasklet hard"));
                }
                continue;
            }
            if (boundary) {
                continue; // a true boundary of the library: starts a strand, runs only hard
            }
            if (!declares && !throwsThrowable && lh == null) {
                // Bytecode javac would not produce: a call to a method declaring Suspendable, neither
                // declared nor inside a handler that covers it.
                for (MethodInsnNode site : sites) {
                    if (h.isExplicitlySuspendable(site.owner, site.name, site.desc) && !caughtAsSuspendable(m, site)
                            && (m.access & Opcodes.ACC_BRIDGE) == 0 && (m.access & Opcodes.ACC_SYNTHETIC) == 0) {
                        errors.add(msg(cn, m, site, "calls suspendable " + name(site) + " but does not declare "
                                + "'throws Suspendable'"));
                        break;
                    }
                }
            }
            if (hasCode && !declares && !throwsThrowable && lh == null && !sites.isEmpty()) {
                report.message(msg(cn, m, sites.get(0), "woven without 'throws Suspendable': it calls suspendable "
                        + name(sites.get(0)) + ", so calls to it are suspendable call sites too"));
            }
            ClassHierarchy.Method me = self.method(m.name, m.desc);
            if (hasCode && (declares || lambdaSusp || !sites.isEmpty() || me != null && me.suspendable())) {
                toWeave.put(m, sites);
                hashes.put(m, lh != null ? lh : MethodWeaver.hash(m.name, m.desc));
            }
            // An override may switch only where the method it overrides may (a call through the
            // overridden method is not a suspendable call site). Declaring fewer exceptions is fine.
            if (declares && (m.access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC
                    | Opcodes.ACC_BRIDGE)) == 0) {
                for (ClassHierarchy.Method o : h.overridden(self, m.name, m.desc)) {
                    if (!h.isSuspendable(o)) {
                        String owner = ownerOf(h, self, o);
                        errors.add(msg(cn, m, null, "declares 'throws Suspendable' but overrides "
                                + owner.replace('/', '.') + "." + o.name() + ", which does not: a call through "
                                + owner.replace('/', '.') + "." + o.name() + " cannot switch. Fix: declare it "
                                + "there too, or do not declare it here"));
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new WeaveException(String.join("\n", errors));
        }
        if (toWeave.isEmpty() && aliases.isEmpty()) {
            return classFile;
        }
        List<MethodNode> reentered = new ArrayList<>();
        List<String> wovenMethods = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<MethodNode, List<MethodInsnNode>> e : toWeave.entrySet()) {
            MethodWeaver mw = new MethodWeaver(cn, e.getKey(), h, hashes.get(e.getKey()), options.ticks(), reentered);
            try {
                mw.weave(e.getValue());
            } catch (WeaveException ex) {
                failures.add(ex.getMessage()); // every method's problem at once
                continue;
            }
            wovenMethods.add(e.getKey().name + e.getKey().desc + Abi.WOVEN_LINES_MARK + mw.callLines());
        }
        if (!failures.isEmpty()) {
            throw new WeaveException(String.join("\n", failures));
        }
        if (!reentered.isEmpty()) {
            cn.methods.add(dispatcher(cn, reentered));
        }
        if (!aliases.isEmpty()) {
            registerAliases(cn, aliases);
        }
        if (cn.visibleAnnotations == null) {
            cn.visibleAnnotations = new ArrayList<>();
        }
        AnnotationNode stamp = new AnnotationNode(STAMP);
        stamp.values = new ArrayList<>(List.of(Abi.WOVEN_METHODS, wovenMethods));
        cn.visibleAnnotations.add(stamp);
        if ((cn.version & 0xFFFF) < Opcodes.V11) {
            cn.version = Opcodes.V11;
        }
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return h.commonSuperClass(a, b);
            }
        };
        try {
            cn.accept(cw);
            byte[] out = cw.toByteArray();
            report.addClass(toWeave.size());
            return out;
        } catch (org.objectweb.asm.MethodTooLargeException e) {
            throw new WeaveException(cn.name.replace('/', '.') + "." + e.getMethodName() + e.getDescriptor() + " is "
                    + e.getCodeSize() + " bytes of bytecode once woven, over the JVM's limit of 65535: every "
                    + "suspension point saves and restores the values live there. Fix: split the method (move "
                    + "loops or long expressions that make suspendable calls into methods of their own).", e);
        } catch (RuntimeException e) {
            throw new WeaveException(cn.name.replace('/', '.') + ": cannot write the woven class: " + e, e);
        }
    }

    private static MethodNode find(ClassNode cn, String name, String desc) {
        for (MethodNode m : cn.methods) {
            if (m.name.equals(name) && m.desc.equals(desc)) {
                return m;
            }
        }
        return null;
    }

    /** javac's implementation method of a lambda expression: called only through its proxy. */
    private static boolean isJavacLambda(MethodNode m) {
        return (m.access & Opcodes.ACC_SYNTHETIC) != 0 && m.name.startsWith("lambda$");
    }

    private static boolean hasAnnotation(MethodNode m, String desc) {
        for (List<AnnotationNode> l : java.util.Arrays.asList(m.visibleAnnotations, m.invisibleAnnotations)) {
            if (l != null) {
                for (AnnotationNode a : l) {
                    if (a.desc.equals(desc)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Prepends {@code SoftContext.alias(key)} for each method reference's pair of hashes to the
     * class's static initializer (made if there is none), so the pairs are known before any of the
     * class's lambdas can run.
     */
    private static void registerAliases(ClassNode cn, java.util.Set<Integer> keys) {
        MethodNode clinit = find(cn, "<clinit>", "()V");
        if (clinit == null) {
            clinit = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            clinit.instructions.add(new InsnNode(Opcodes.RETURN));
            cn.methods.add(clinit);
        }
        InsnList l = new InsnList();
        for (int k : keys) {
            l.add(new org.objectweb.asm.tree.LdcInsnNode(k));
            l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, MethodWeaver.CTX, Abi.CTX_ALIAS, Abi.CTX_ALIAS_DESC, false));
        }
        clinit.instructions.insert(l);
        clinit.maxStack = Math.max(clinit.maxStack, 1);
    }

    private static String ownerOf(ClassHierarchy h, ClassHierarchy.Info self, ClassHierarchy.Method o) {
        java.util.ArrayDeque<String> q = new java.util.ArrayDeque<>();
        if (self.superName() != null) {
            q.add(self.superName());
        }
        q.addAll(self.interfaces());
        while (!q.isEmpty()) {
            ClassHierarchy.Info i = h.get(q.poll());
            if (i == null) {
                continue;
            }
            if (i.methods().get(o.name() + o.desc()) == o) {
                return i.name();
            }
            if (i.superName() != null) {
                q.add(i.superName());
            }
            q.addAll(i.interfaces());
        }
        return "?";
    }

    /** True if a handler for Suspendable or Throwable covers {@code site}. */
    private static boolean caughtAsSuspendable(MethodNode m, AbstractInsnNode site) {
        int i = m.instructions.indexOf(site);
        for (TryCatchBlockNode tc : m.tryCatchBlocks) {
            if (("java/lang/Throwable".equals(tc.type) || ClassHierarchy.SUSPENDABLE.equals(tc.type))
                    && m.instructions.indexOf(tc.start) <= i && i < m.instructions.indexOf(tc.end)) {
                return true;
            }
        }
        return false;
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

    private static String name(MethodInsnNode mi) {
        return mi.owner.replace('/', '.') + "." + mi.name;
    }

    private static String msg(ClassNode cn, MethodNode m, AbstractInsnNode at, String what) {
        int line = at != null ? MethodWeaver.lineOf(at) : firstLine(m);
        return cn.name.replace('/', '.') + "." + m.name + (line > 0 ? " (line " + line + ")" : "") + ": " + what;
    }

    private static int firstLine(MethodNode m) {
        for (AbstractInsnNode x : m.instructions) {
            if (x instanceof org.objectweb.asm.tree.LineNumberNode ln) {
                return ln.line;
            }
        }
        return 0;
    }

    /**
     * Monitor nesting depth before each instruction: forward propagation of +1 at
     * {@code MONITORENTER} and -1 at {@code MONITOREXIT} along jumps and into handlers, taking the
     * maximum where paths meet.
     */
    static int[] monitorDepths(MethodNode m) {
        InsnList insns = m.instructions;
        int n = insns.size();
        int[] d = new int[n];
        java.util.Arrays.fill(d, -1);
        boolean hasMonitor = false;
        for (AbstractInsnNode x : insns) {
            hasMonitor |= x.getOpcode() == Opcodes.MONITORENTER;
        }
        if (!hasMonitor || n == 0) {
            java.util.Arrays.fill(d, 0);
            return d;
        }
        List<List<Integer>> handlers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            handlers.add(new ArrayList<>(1));
        }
        for (TryCatchBlockNode tc : m.tryCatchBlocks) {
            int h = insns.indexOf(tc.handler);
            for (int i = insns.indexOf(tc.start); i < insns.indexOf(tc.end); i++) {
                handlers.get(i).add(h);
            }
        }
        java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
        d[0] = 0;
        work.add(0);
        while (!work.isEmpty()) {
            int i = work.poll();
            AbstractInsnNode x = insns.get(i);
            int op = x.getOpcode();
            int out = d[i] + (op == Opcodes.MONITORENTER ? 1 : op == Opcodes.MONITOREXIT ? -1 : 0);
            out = Math.max(0, Math.min(out, 64));
            List<Integer> succ = new ArrayList<>(2);
            if (x instanceof JumpInsnNode j) {
                succ.add(insns.indexOf(j.label));
                if (op != Opcodes.GOTO) {
                    succ.add(i + 1);
                }
            } else if (x instanceof TableSwitchInsnNode t) {
                succ.add(insns.indexOf(t.dflt));
                for (LabelNode l : t.labels) {
                    succ.add(insns.indexOf(l));
                }
            } else if (x instanceof LookupSwitchInsnNode t) {
                succ.add(insns.indexOf(t.dflt));
                for (LabelNode l : t.labels) {
                    succ.add(insns.indexOf(l));
                }
            } else if (!(op >= Opcodes.IRETURN && op <= Opcodes.RETURN || op == Opcodes.ATHROW)) {
                succ.add(i + 1);
            }
            for (int s : succ) {
                if (s < n && out > d[s]) {
                    d[s] = out;
                    work.add(s);
                }
            }
            for (int hnd : handlers.get(i)) {
                if (d[i] > d[hnd]) {
                    d[hnd] = d[i];
                    work.add(hnd);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            d[i] = Math.max(d[i], 0);
        }
        return d;
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
    /**
     * The class's re-entry dispatcher, {@code private static synthetic Object jsl$reenter(int i,
     * Object self)}: case {@code i} calls the {@code i}-th re-entered method (the one whose
     * {@code MethodInfo} constant is named {@code jslInfo#i}) directly, {@code invokespecial} on
     * {@code self} for an instance method (no virtual dispatch: a frame of {@code Base.m} resumes in
     * {@code Base.m}) or {@code invokestatic}, with every argument a default value (the woven
     * restore code reloads the live ones from the frame), and returns its result boxed (null for
     * {@code void}). The soft runtime calls it through one small interface implementation per class
     * instead of a method handle per method, so the JIT can inline the re-entry.
     */
    static MethodNode dispatcher(ClassNode cn, List<MethodNode> methods) {
        MethodNode d = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, DISPATCHER,
                DISPATCHER_DESC, null, null);
        boolean itf = (cn.access & Opcodes.ACC_INTERFACE) != 0;
        InsnList l = d.instructions;
        LabelNode dflt = new LabelNode();
        LabelNode[] cases = new LabelNode[methods.size()];
        for (int i = 0; i < cases.length; i++) {
            cases[i] = new LabelNode();
        }
        l.add(new VarInsnNode(Opcodes.ILOAD, 0));
        l.add(new TableSwitchInsnNode(0, cases.length - 1, dflt, cases));
        for (int i = 0; i < cases.length; i++) {
            MethodNode m = methods.get(i);
            boolean isStatic = (m.access & Opcodes.ACC_STATIC) != 0;
            l.add(cases[i]);
            if (!isStatic) {
                l.add(new VarInsnNode(Opcodes.ALOAD, 1));
                l.add(new TypeInsnNode(Opcodes.CHECKCAST, cn.name));
            }
            for (Type a : Type.getArgumentTypes(m.desc)) {
                l.add(new InsnNode(switch (a.getSort()) {
                    case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.ICONST_0;
                    case Type.LONG -> Opcodes.LCONST_0;
                    case Type.FLOAT -> Opcodes.FCONST_0;
                    case Type.DOUBLE -> Opcodes.DCONST_0;
                    default -> Opcodes.ACONST_NULL;
                }));
            }
            l.add(new MethodInsnNode(isStatic ? Opcodes.INVOKESTATIC : Opcodes.INVOKESPECIAL, cn.name, m.name, m.desc,
                    itf));
            Type r = Type.getReturnType(m.desc);
            switch (r.getSort()) {
                case Type.VOID -> l.add(new InsnNode(Opcodes.ACONST_NULL));
                case Type.OBJECT, Type.ARRAY -> {
                }
                default -> {
                    String box = switch (r.getSort()) {
                        case Type.BOOLEAN -> "java/lang/Boolean";
                        case Type.CHAR -> "java/lang/Character";
                        case Type.BYTE -> "java/lang/Byte";
                        case Type.SHORT -> "java/lang/Short";
                        case Type.INT -> "java/lang/Integer";
                        case Type.LONG -> "java/lang/Long";
                        case Type.FLOAT -> "java/lang/Float";
                        default -> "java/lang/Double";
                    };
                    l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, box, "valueOf",
                            "(" + r.getDescriptor() + ")L" + box + ";", false));
                }
            }
            l.add(new InsnNode(Opcodes.ARETURN));
        }
        l.add(dflt);
        l.add(new TypeInsnNode(Opcodes.NEW, "java/lang/IllegalArgumentException"));
        l.add(new InsnNode(Opcodes.DUP));
        l.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "()V",
                false));
        l.add(new InsnNode(Opcodes.ATHROW));
        d.maxLocals = 2;
        d.maxStack = 4;
        return d;
    }
}
