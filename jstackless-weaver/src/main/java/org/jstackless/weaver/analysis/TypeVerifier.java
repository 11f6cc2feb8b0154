package org.jstackless.weaver.analysis;

import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.Interpreter;
import org.objectweb.asm.tree.analysis.SimpleVerifier;

/**
 * An ASM {@link SimpleVerifier} whose type hierarchy comes from class files
 * ({@link ClassHierarchy}), never from {@code Class.forName} of user code, so that the frames it
 * computes give restored locals and stack values their precise verifier types.
 *
 * <p>Merges use exact subtyping (an interface type is kept only if the other value really
 * implements it), so that a {@code checkcast} to the merged type on restore always succeeds. Type
 * checks of operations are lenient (the input was verified by javac and the JVM): any reference
 * is accepted where a reference is expected.
 *
 * <p>Uninitialised objects: {@link #analyze} marks the result of each {@code NEW} as an
 * {@link Uninit} value (copies are the same object) until its constructor is invoked, when every
 * copy in the frame's locals and stack is replaced by an ordinary value of its type. The weaver
 * uses the mark to keep tick points away from code that holds an uninitialised object.
 */
public final class TypeVerifier extends SimpleVerifier {
    private final ClassHierarchy h;

    public TypeVerifier(ClassHierarchy h, Type currentClass, Type currentSuper, List<Type> interfaces,
            boolean isInterface) {
        super(Opcodes.ASM9, currentClass, currentSuper, interfaces, isInterface);
        this.h = h;
    }

    /** The value of a {@code NEW} whose constructor has not run yet; equal only to itself. */
    public static final class Uninit extends BasicValue {
        Uninit(Type t) {
            super(t);
        }

        @Override
        public boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** The frames of {@code mn} (see {@link Analyzer#analyze}), with uninitialised objects marked. */
    public Frame<BasicValue>[] analyze(String owner, MethodNode mn) throws AnalyzerException {
        return new Analyzer<>(this) {
            @Override
            protected Frame<BasicValue> newFrame(int nLocals, int nStack) {
                return new InitFrame(nLocals, nStack);
            }

            @Override
            protected Frame<BasicValue> newFrame(Frame<? extends BasicValue> f) {
                return new InitFrame(f);
            }
        }.analyze(owner, mn);
    }

    @Override
    public BasicValue newOperation(AbstractInsnNode insn) throws AnalyzerException {
        if (insn.getOpcode() == Opcodes.NEW) {
            return new Uninit(Type.getObjectType(((TypeInsnNode) insn).desc));
        }
        return super.newOperation(insn);
    }

    /** A frame that turns every copy of an {@link Uninit} receiver into a plain value after {@code <init>}. */
    private static final class InitFrame extends Frame<BasicValue> {
        InitFrame(int nLocals, int nStack) {
            super(nLocals, nStack);
        }

        InitFrame(Frame<? extends BasicValue> f) {
            super(f);
        }

        @Override
        public void execute(AbstractInsnNode insn, Interpreter<BasicValue> interpreter) throws AnalyzerException {
            if (insn.getOpcode() != Opcodes.INVOKESPECIAL || !((MethodInsnNode) insn).name.equals("<init>")) {
                super.execute(insn, interpreter);
                return;
            }
            int nargs = Type.getArgumentTypes(((MethodInsnNode) insn).desc).length;
            BasicValue recv = getStack(getStackSize() - nargs - 1);
            super.execute(insn, interpreter);
            if (recv instanceof Uninit) {
                BasicValue init = interpreter.newValue(recv.getType());
                for (int i = 0; i < getLocals(); i++) {
                    if (getLocal(i) == recv) {
                        setLocal(i, init);
                    }
                }
                for (int i = 0; i < getStackSize(); i++) {
                    if (getStack(i) == recv) {
                        setStack(i, init);
                    }
                }
            }
        }
    }

    @Override
    protected boolean isSubTypeOf(BasicValue value, BasicValue expected) {
        Type e = expected.getType();
        Type v = value.getType();
        if (e != null && v != null && isRef(e) && isRef(v)) {
            return true;
        }
        return super.isSubTypeOf(value, expected);
    }

    private static boolean isRef(Type t) {
        return t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
    }

    @Override
    protected boolean isInterface(Type type) {
        if (type.getSort() != Type.OBJECT) {
            return false;
        }
        ClassHierarchy.Info i = h.get(type.getInternalName());
        return i != null && i.isInterface();
    }

    @Override
    protected Type getSuperClass(Type type) {
        if (type.getSort() != Type.OBJECT) {
            return type.getSort() == Type.ARRAY ? Type.getObjectType("java/lang/Object") : null;
        }
        ClassHierarchy.Info i = h.get(type.getInternalName());
        return i == null || i.superName() == null ? null : Type.getObjectType(i.superName());
    }

    @Override
    protected boolean isAssignableFrom(Type t1, Type t2) {
        if (t1.equals(t2)) {
            return true;
        }
        if (t1.getSort() == Type.OBJECT && t1.getInternalName().equals("java/lang/Object") && isRef(t2)) {
            return true;
        }
        if (t2.getSort() == Type.OBJECT && t2.getInternalName().equals("null")) {
            return isRef(t1);
        }
        if (t1.getSort() == Type.ARRAY) {
            if (t2.getSort() != Type.ARRAY) {
                return false;
            }
            Type e1 = Type.getType(t1.getDescriptor().substring(1));
            Type e2 = Type.getType(t2.getDescriptor().substring(1));
            if (!isRef(e1) || !isRef(e2)) {
                return e1.equals(e2);
            }
            return isAssignableFrom(e1, e2);
        }
        if (t2.getSort() == Type.ARRAY) {
            String n = t1.getSort() == Type.OBJECT ? t1.getInternalName() : "";
            return n.equals("java/lang/Cloneable") || n.equals("java/io/Serializable");
        }
        if (t1.getSort() != Type.OBJECT || t2.getSort() != Type.OBJECT) {
            return false;
        }
        return h.isSubclassOf(t2.getInternalName(), t1.getInternalName());
    }

    @Override
    protected Class<?> getClass(Type type) {
        throw new UnsupportedOperationException("the weaver never loads " + type);
    }
}
