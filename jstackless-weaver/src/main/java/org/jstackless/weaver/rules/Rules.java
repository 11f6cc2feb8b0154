package org.jstackless.weaver.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
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
import org.jstackless.weaver.abi.Abi;
import org.jstackless.weaver.analysis.ClassHierarchy;
import org.jstackless.weaver.analysis.Lambdas;
import org.jstackless.weaver.analysis.Monitors;

/**
 * The build-time rules of soft switching (DESIGN §5) for one class, and what follows from them:
 * which methods are woven, with which suspendable call sites and under which hash. Each failure
 * names class, method and line; all of a class's failures are collected.
 *
 * <p>Errors: a suspendable constructor or static initialiser; a suspendable call inside a
 * {@code synchronized} method or block of a method declaring {@code throws Suspendable}; an
 * override declaring {@code throws Suspendable} of a method that is not suspendable; a call to a
 * method declaring {@code Suspendable} from one that neither declares nor catches it. Warnings
 * (the class is still woven): a constructor or static initialiser, or a {@code synchronized}
 * region of an implicitly suspendable method, that calls a suspendable method (not woven there).
 * In force mode no rule applies: every method but constructors and static initialisers is woven
 * at every call outside a monitor.
 */
public final class Rules {
    private Rules() {
    }

    /**
     * The outcome for one class: the methods to weave (in class order) with their suspendable call
     * sites and entry hashes; the errors (the class must not be woven if there is one), warnings and
     * informational messages, each in order.
     */
    public record Plan(Map<MethodNode, List<MethodInsnNode>> toWeave, Map<MethodNode, Integer> hashes,
            List<String> errors, List<String> warnings, List<String> messages) {
    }

    /** Applies the rules to {@code cn} ({@code classFile} its bytes). */
    public static Plan check(ClassNode cn, byte[] classFile, ClassHierarchy h, Lambdas lambdas, boolean force) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        Map<MethodNode, List<MethodInsnNode>> toWeave = new LinkedHashMap<>();
        Map<MethodNode, Integer> hashes = new HashMap<>();
        ClassHierarchy.Info self = ClassHierarchy.parse(classFile);
        for (MethodNode m : cn.methods) {
            boolean ctor = m.name.equals("<init>") || m.name.equals("<clinit>");
            boolean declares = m.exceptions != null && m.exceptions.contains(ClassHierarchy.SUSPENDABLE);
            boolean throwsThrowable = m.exceptions != null && m.exceptions.contains("java/lang/Throwable");
            String key = m.name + m.desc;
            Integer lh = lambdas.hashes().get(key);
            boolean lambdaSusp = lambdas.suspendable().contains(key);
            boolean hasCode = (m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0;
            boolean boundary = hasAnnotation(m, ClassHierarchy.BOUNDARY);
            List<MethodInsnNode> sites = new ArrayList<>();
            int[] depth = hasCode ? Monitors.monitorDepths(m) : new int[0];
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
                                warnings.add(what + " (this call is left unwoven: a soft tasklet that switches "
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
                    hashes.put(m, lh != null ? lh : Abi.hash(m.name, m.desc));
                }
                continue;
            }
            if (ctor) {
                if (declares) {
                    errors.add(msg(cn, m, null, (m.name.equals("<init>") ? "a constructor" : "a static initializer")
                            + " cannot be suspendable (remove 'throws Suspendable')"));
                } else if (!sites.isEmpty()) {
                    warnings.add(msg(cn, m, sites.get(0), (m.name.equals("<init>") ? "a constructor" : "a static "
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
                messages.add(msg(cn, m, sites.get(0), "woven without 'throws Suspendable': it calls suspendable "
                        + name(sites.get(0)) + ", so calls to it are suspendable call sites too"));
            }
            ClassHierarchy.Method me = self.method(m.name, m.desc);
            if (hasCode && (declares || lambdaSusp || !sites.isEmpty() || me != null && me.suspendable())) {
                toWeave.put(m, sites);
                hashes.put(m, lh != null ? lh : Abi.hash(m.name, m.desc));
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
        return new Plan(toWeave, hashes, errors, warnings, messages);
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

    private static String name(MethodInsnNode mi) {
        return mi.owner.replace('/', '.') + "." + mi.name;
    }

    private static String msg(ClassNode cn, MethodNode m, AbstractInsnNode at, String what) {
        int line = at != null ? lineOf(at) : firstLine(m);
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

    /** The source line of the nearest line entry before {@code x}, or 0. */
    static int lineOf(AbstractInsnNode x) {
        for (AbstractInsnNode p = x; p != null; p = p.getPrevious()) {
            if (p instanceof org.objectweb.asm.tree.LineNumberNode ln) {
                return ln.line;
            }
        }
        return 0;
    }
}
