package org.jstackless.weaver.analysis;

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

/**
 * The lambdas of a class, as the chain token sees them: javac's implementation methods
 * ({@code lambda$...}) are entered through a proxy under the functional interface method's hash;
 * a method reference's target keeps its own hash, so the pair is registered as accepted
 * ({@code SoftContext.alias}) by the class's static initializer.
 *
 * @param hashes      per implementation method (name + descriptor): the hash it is entered under
 * @param suspendable implementation methods whose functional interface method is suspendable
 * @param aliases     the accepted pairs ({@code hash(interface method) ^ hash(target)}), sorted
 */
public record Lambdas(Map<String, Integer> hashes, Set<String> suspendable, Set<Integer> aliases) {
    private static final String LMF = "java/lang/invoke/LambdaMetafactory";

    /** The lambdas of {@code cn}; in force mode every method reference's target counts as suspendable. */
    public static Lambdas of(ClassNode cn, ClassHierarchy h, boolean force) {
        Map<String, Integer> lambdaHash = new HashMap<>();
        java.util.Set<String> lambdaSuspendable = new java.util.HashSet<>();
        java.util.Set<Integer> aliases = new java.util.TreeSet<>();
        for (MethodNode m : cn.methods) {
            for (AbstractInsnNode x : m.instructions) {
                if (x instanceof InvokeDynamicInsnNode indy && indy.bsm.getOwner().equals(LMF)
                        && indy.bsmArgs.length >= 3 && indy.bsmArgs[1] instanceof Handle impl
                        && indy.bsmArgs[0] instanceof Type sam) {
                    String itf = Type.getReturnType(indy.desc).getInternalName();
                    int samHash = Abi.hash(indy.name, sam.getDescriptor());
                    boolean samSuspendable = h.isSuspendable(itf, indy.name, sam.getDescriptor());
                    MethodNode target = impl.getOwner().equals(cn.name) ? find(cn, impl.getName(), impl.getDesc()) : null;
                    if (target != null && isJavacLambda(target)) {
                        lambdaHash.put(impl.getName() + impl.getDesc(), samHash);
                        if (samSuspendable) {
                            lambdaSuspendable.add(impl.getName() + impl.getDesc());
                        }
                    } else if (!impl.getName().startsWith("<") && !unboxesAnyReference(sam, impl)
                            && (samSuspendable || force
                            || h.isSuspendable(impl.getOwner(), impl.getName(), impl.getDesc()))) {
                        int key = samHash ^ Abi.hash(impl.getName(), impl.getDesc());
                        if (key != 0) {
                            aliases.add(key);
                        }
                    }
                }
            }
        }
        return new Lambdas(lambdaHash, lambdaSuspendable, aliases);
    }

    /**
     * Whether the method reference's adapter unboxes a result that is not a box (a generic
     * {@code <T> T pick(T)} as a {@code long ap(Integer)} interface): an unwinding woven frame can
     * return no value that such an adapter accepts (null fails its unboxing with a
     * NullPointerException, a box of zero its cast to the inferred type), so the pair is not
     * accepted: the chain breaks at the adapter and a switch inside is refused clearly (a
     * preemption deferred) instead of the adapter throwing mid-unwind. A box return is fine: the
     * unwinding frame returns a box of zero (MethodWeaver.returnDefault). Only serializable method
     * references still reach this: the others are routed through a woven bridge first
     * ({@code ReferenceBridges}), which does the unboxing in a frame of its own.
     */
    static boolean unboxesAnyReference(Type sam, Handle impl) {
        Type want = sam.getReturnType();
        Type got = Type.getReturnType(impl.getDesc());
        boolean primitive = want.getSort() >= Type.BOOLEAN && want.getSort() <= Type.DOUBLE;
        return primitive && (got.getSort() == Type.ARRAY
                || got.getSort() == Type.OBJECT && Boxes.primitiveOf(got.getInternalName()) == null);
    }

    public static MethodNode find(ClassNode cn, String name, String desc) {
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
}
