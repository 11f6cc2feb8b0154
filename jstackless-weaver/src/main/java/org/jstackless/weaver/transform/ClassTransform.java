package org.jstackless.weaver.transform;

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
import org.jstackless.weaver.analysis.Boxes;
import org.jstackless.weaver.analysis.ClassHierarchy;
import org.jstackless.weaver.analysis.Lambdas;
import org.jstackless.weaver.rules.Rules;

/**
 * Transforms a class as its {@link Rules.Plan} says: weaves each method ({@link MethodWeaver}),
 * adds the re-entry dispatcher, registers the method references' accepted hash pairs, stamps the
 * class and raises its version to at least 55 (Java 11: dynamic constants).
 */
public final class ClassTransform {
    private ClassTransform() {
    }

    /**
     * Transforms {@code cn} in place; every method's failure is collected and thrown together.
     * Returns the number of methods woven.
     */
    public static int apply(ClassNode cn, ClassHierarchy h, Rules.Plan plan, Set<Integer> aliases, boolean ticks)
            throws TransformException {
        List<MethodNode> reentered = new ArrayList<>();
        List<String> wovenMethods = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<MethodNode, List<MethodInsnNode>> e : plan.toWeave().entrySet()) {
            MethodWeaver mw = new MethodWeaver(cn, e.getKey(), h, plan.hashes().get(e.getKey()), ticks, reentered);
            try {
                mw.weave(e.getValue());
            } catch (TransformException ex) {
                failures.add(ex.getMessage()); // every method's problem at once
                continue;
            }
            wovenMethods.add(e.getKey().name + e.getKey().desc + Abi.WOVEN_LINES_MARK + mw.callLines());
        }
        if (!failures.isEmpty()) {
            throw new TransformException(String.join("\n", failures));
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
        AnnotationNode stamp = new AnnotationNode(Abi.WOVEN);
        stamp.values = new ArrayList<>(List.of(Abi.WOVEN_METHODS, wovenMethods));
        cn.visibleAnnotations.add(stamp);
        if ((cn.version & 0xFFFF) < Opcodes.V11) {
            cn.version = Opcodes.V11;
        }
        return plan.toWeave().size();
    }

    /**
     * Prepends {@code SoftContext.alias(key)} for each method reference's pair of hashes to the
     * class's static initializer (made if there is none), so the pairs are known before any of the
     * class's lambdas can run.
     */
    private static void registerAliases(ClassNode cn, java.util.Set<Integer> keys) {
        MethodNode clinit = Lambdas.find(cn, "<clinit>", "()V");
        if (clinit == null) {
            clinit = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            clinit.instructions.add(new InsnNode(Opcodes.RETURN));
            cn.methods.add(clinit);
        }
        InsnList l = new InsnList();
        for (int k : keys) {
            l.add(new org.objectweb.asm.tree.LdcInsnNode(k));
            l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Abi.CTX, Abi.CTX_ALIAS, Abi.CTX_ALIAS_DESC, false));
        }
        clinit.instructions.insert(l);
        clinit.maxStack = Math.max(clinit.maxStack, 1);
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
        MethodNode d = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, Abi.DISPATCHER,
                Abi.DISPATCHER_DESC, null, null);
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
                    String box = Boxes.boxOf(r);
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
