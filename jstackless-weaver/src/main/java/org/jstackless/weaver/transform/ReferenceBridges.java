package org.jstackless.weaver.transform;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.weaver.analysis.Boxes;
import org.jstackless.weaver.analysis.ClassHierarchy;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Routes every converting method reference to a suspendable method through a synthetic method of
 * the class, woven like a lambda, so that no frameless code acts on the value an unwinding frame
 * returns.
 *
 * <p>Why. A method reference's LambdaMetafactory adapter has no frame of its own. When it converts
 * the result (boxes, unboxes or widens it: an {@code int} method as a {@code long} interface, an
 * {@code Integer} one as {@code int}, a generic {@code <T> T pick(T)} as {@code long ap(Integer)}),
 * the conversion runs on whatever an unwinding woven frame returns (a placeholder), and on resume it
 * is skipped (the trampoline hands the callee's own value to the caller's call site). With a bridge
 * {@code private static synthetic R lambda$jsl$m$k(captured..., params...)} that calls the method and
 * converts its result as the adapter would, the adapter between the proxy and the bridge converts
 * nothing, and the conversion lives in a woven frame that unwinds and resumes like any other.
 *
 * <p>Which. An {@code invokedynamic} of LambdaMetafactory whose implementation is a method (not a
 * constructor, not a javac lambda of this class), whose functional interface method is suspendable,
 * and whose result the adapter converts between a primitive and anything else (the implementation's
 * return type and the instantiated one differ and one of them is primitive; a reference cast lets
 * every placeholder through, null passes any cast). Not bridged: serializable method references
 * (their {@code SerializedLambda} must keep naming the method for javac's
 * {@code $deserializeLambda$}), and {@code invokespecial} handles to another class; those keep the
 * older measures (the resumed call site converts as the adapter would, a method returning a box
 * unwinds with a box of zero, and an adapter that unboxes a non-box result is not accepted, see
 * {@code Lambdas}).
 *
 * <p>Runs before the analysis of the class ({@code Lambdas}, {@code Rules}): the bridges are then
 * javac-like lambda implementations entered under the interface method's hash, woven because they
 * call a suspendable method. Their names depend only on the class's code, so the same class is
 * bridged the same way by the plugin and the agent (pickles name frames by method).
 */
public final class ReferenceBridges {
    private static final String LMF = "java/lang/invoke/LambdaMetafactory";
    /** LambdaMetafactory.FLAG_SERIALIZABLE. */
    private static final int FLAG_SERIALIZABLE = 1;
    /** The bridges' name prefix; javac's lambda implementations start with {@code lambda$} too. */
    public static final String PREFIX = "lambda$jsl$";

    private ReferenceBridges() {
    }

    /** Adds the bridges to {@code cn} and points the method references at them; returns how many. */
    public static int apply(ClassNode cn, ClassHierarchy h) {
        List<MethodNode> added = new ArrayList<>();
        for (MethodNode m : cn.methods) {
            for (AbstractInsnNode x : m.instructions) {
                if (x instanceof InvokeDynamicInsnNode indy && bridgeable(cn, h, indy)) {
                    MethodNode b = bridge(cn, indy, added.size(), lineOf(x));
                    added.add(b);
                    indy.bsmArgs[1] = new Handle(Opcodes.H_INVOKESTATIC, cn.name, b.name, b.desc,
                            (cn.access & Opcodes.ACC_INTERFACE) != 0);
                }
            }
        }
        cn.methods.addAll(added);
        return added.size();
    }

    private static boolean bridgeable(ClassNode cn, ClassHierarchy h, InvokeDynamicInsnNode indy) {
        if (!indy.bsm.getOwner().equals(LMF) || indy.bsmArgs.length < 3
                || !(indy.bsmArgs[0] instanceof Type sam) || !(indy.bsmArgs[1] instanceof Handle impl)
                || !(indy.bsmArgs[2] instanceof Type inst)) {
            return false;
        }
        if (indy.bsm.getName().equals("altMetafactory")
                && (indy.bsmArgs.length < 4 || !(indy.bsmArgs[3] instanceof Integer flags)
                || (flags & FLAG_SERIALIZABLE) != 0)) {
            return false;
        }
        if (impl.getName().startsWith("<") || impl.getName().startsWith("lambda$")) {
            return false; // a constructor (not accepted as a woven call at all), or a lambda's own method
        }
        int tag = impl.getTag();
        if (tag != Opcodes.H_INVOKESTATIC && tag != Opcodes.H_INVOKEVIRTUAL && tag != Opcodes.H_INVOKEINTERFACE
                && !(tag == Opcodes.H_INVOKESPECIAL && impl.getOwner().equals(cn.name))) {
            return false;
        }
        Type got = Type.getReturnType(impl.getDesc());
        Type want = inst.getReturnType();
        if (want.getSort() == Type.VOID || got.getDescriptor().equals(want.getDescriptor())
                || !isPrimitive(got) && !isPrimitive(want)) {
            return false; // no conversion of the result, or a reference cast
        }
        String itf = Type.getReturnType(indy.desc).getInternalName();
        return h.isSuspendable(itf, indy.name, sam.getDescriptor())
                && h.isSuspendable(impl.getOwner(), impl.getName(), impl.getDesc());
    }

    private static boolean isPrimitive(Type t) {
        return t.getSort() >= Type.BOOLEAN && t.getSort() <= Type.DOUBLE;
    }

    /**
     * The bridge: its parameters are the captured values then the instantiated interface method's
     * parameters, its return type the instantiated one (so the adapter in front of it converts
     * nothing but casts the arguments it would cast anyway); it converts each argument to the
     * implementation's parameter type and the result to its own, as LambdaMetafactory's adapter does.
     */
    private static MethodNode bridge(ClassNode cn, InvokeDynamicInsnNode indy, int k, int line) {
        Handle impl = (Handle) indy.bsmArgs[1];
        Type inst = (Type) indy.bsmArgs[2];
        List<Type> params = new ArrayList<>(List.of(Type.getArgumentTypes(indy.desc)));
        params.addAll(List.of(inst.getArgumentTypes()));
        Type ret = inst.getReturnType();
        String desc = Type.getMethodDescriptor(ret, params.toArray(new Type[0]));
        MethodNode b = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                PREFIX + impl.getName() + "$" + k, desc, null, null);
        InsnList l = b.instructions;
        if (line > 0) {
            LabelNode start = new LabelNode();
            l.add(start);
            l.add(new LineNumberNode(line, start));
        }
        List<Type> targets = new ArrayList<>();
        if (impl.getTag() != Opcodes.H_INVOKESTATIC) {
            targets.add(Type.getObjectType(impl.getOwner()));
        }
        targets.addAll(List.of(Type.getArgumentTypes(impl.getDesc())));
        int local = 0;
        for (int i = 0; i < params.size(); i++) {
            Type p = params.get(i);
            l.add(new VarInsnNode(p.getOpcode(Opcodes.ILOAD), local));
            local += p.getSize();
            if (i < targets.size()) {
                convert(l, p, targets.get(i));
            }
        }
        int op = switch (impl.getTag()) {
            case Opcodes.H_INVOKESTATIC -> Opcodes.INVOKESTATIC;
            case Opcodes.H_INVOKEVIRTUAL -> Opcodes.INVOKEVIRTUAL;
            case Opcodes.H_INVOKEINTERFACE -> Opcodes.INVOKEINTERFACE;
            default -> Opcodes.INVOKESPECIAL;
        };
        l.add(new MethodInsnNode(op, impl.getOwner(), impl.getName(), impl.getDesc(), impl.isInterface()));
        convert(l, Type.getReturnType(impl.getDesc()), ret);
        l.add(new InsnNode(ret.getOpcode(Opcodes.IRETURN)));
        b.maxLocals = local;
        b.maxStack = Math.max(2, local + 2);
        return b;
    }

    /** Converts the value on top of the stack from {@code from} to {@code to} as LambdaMetafactory's adapter does. */
    static void convert(InsnList l, Type from, Type to) {
        if (from.getDescriptor().equals(to.getDescriptor())) {
            return;
        }
        boolean fp = isPrimitive(from);
        boolean tp = isPrimitive(to);
        if (fp && tp) {
            widen(l, from, to);
        } else if (fp) {
            String box = Boxes.boxOf(from);
            l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, box, "valueOf", "(" + from.getDescriptor() + ")L" + box + ";",
                    false));
        } else if (tp) {
            MethodWeaver.unbox(l, to); // a box unboxed and widened; any other reference cast to its box first
        } else if (!to.getDescriptor().equals("Ljava/lang/Object;")) {
            l.add(new TypeInsnNode(Opcodes.CHECKCAST, to.getSort() == Type.ARRAY ? to.getDescriptor() : to.getInternalName()));
        }
    }

    private static void widen(InsnList l, Type from, Type to) {
        int f = from.getSort() == Type.LONG ? Type.LONG : from.getSort() == Type.FLOAT ? Type.FLOAT
                : from.getSort() == Type.DOUBLE ? Type.DOUBLE : Type.INT;
        int t = to.getSort();
        if (f == Type.INT) {
            switch (t) {
                case Type.LONG -> l.add(new InsnNode(Opcodes.I2L));
                case Type.FLOAT -> l.add(new InsnNode(Opcodes.I2F));
                case Type.DOUBLE -> l.add(new InsnNode(Opcodes.I2D));
                default -> { } // byte, short, char to a wider int type: the same int on the stack
            }
        } else if (f == Type.LONG) {
            l.add(new InsnNode(t == Type.FLOAT ? Opcodes.L2F : Opcodes.L2D));
        } else if (f == Type.FLOAT) {
            l.add(new InsnNode(Opcodes.F2D));
        }
    }

    private static int lineOf(AbstractInsnNode x) {
        for (AbstractInsnNode p = x; p != null; p = p.getPrevious()) {
            if (p instanceof LineNumberNode ln) {
                return ln.line;
            }
        }
        return 0;
    }
}
