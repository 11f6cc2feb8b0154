package org.jstackless.internal.pickle;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ConstantDynamicEntry;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jstackless.NotPicklableException;

/**
 * Per-method bytecode fingerprints, computed at run time from the class file the class was
 * loaded from (read with {@code java.lang.classfile}), cached per class.
 *
 * <p>The fingerprint is the first 8 bytes of a SHA-256 over a canonical rendering of the method's
 * code: every instruction with its symbolic operands, labels numbered in order of appearance, and
 * the exception table. Line numbers, local variable names and stack maps are left out (moving a
 * method in its file does not invalidate pickles), and so is the source-line list of the soft
 * runtime's {@code MethodInfo} constant. With build-time weaving the class file is the woven one,
 * with the agent the original: both change exactly when the method's code does.
 */
public final class Fingerprints {
    private static final ClassValue<Map<String, Long>> CACHE = new ClassValue<>() {
        @Override
        protected Map<String, Long> computeValue(Class<?> c) {
            return new ConcurrentHashMap<>();
        }
    };

    private Fingerprints() {
    }

    /** The fingerprint of {@code owner.name desc}; throws naming the method when its class file cannot be read. */
    public static long of(Class<?> owner, String name, String desc) {
        Map<String, Long> m = CACHE.get(owner);
        Long v = m.get(name + desc);
        if (v == null) {
            v = compute(owner, name, desc);
            m.put(name + desc, v);
        }
        return v;
    }

    private static long compute(Class<?> owner, String name, String desc) {
        byte[] bytes = classBytes(owner);
        if (bytes == null) {
            throw new NotPicklableException("cannot fingerprint " + owner.getName() + "." + name + desc
                    + ": its class file is not readable as a resource of its class loader");
        }
        ClassModel cm;
        try {
            cm = ClassFile.of().parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new NotPicklableException("cannot parse the class file of " + owner.getName(), e);
        }
        for (MethodModel mm : cm.methods()) {
            if (mm.methodName().equalsString(name) && mm.methodType().equalsString(desc)) {
                return hash(render(mm));
            }
        }
        throw new NotPicklableException("method " + owner.getName() + "." + name + desc + " not found in its class file");
    }

    static byte[] classBytes(Class<?> owner) {
        String n = owner.getName();
        String simple = n.substring(n.lastIndexOf('.') + 1) + ".class";
        try (InputStream in = owner.getResourceAsStream(simple)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    static String render(MethodModel mm) {
        StringBuilder sb = new StringBuilder();
        sb.append(mm.flags().flagsMask()).append(' ').append(mm.methodName().stringValue())
                .append(mm.methodType().stringValue()).append('\n');
        CodeModel code = mm.code().orElse(null);
        if (code == null) {
            return sb.append("no code").toString();
        }
        Map<Label, Integer> labels = new IdentityHashMap<>();
        for (CodeElement e : code) {
            switch (e) {
                case Label l -> sb.append('L').append(label(labels, l)).append(":\n");
                case BranchInstruction b -> sb.append(b.opcode()).append(" L").append(label(labels, b.target())).append('\n');
                case TableSwitchInstruction t -> {
                    sb.append("tableswitch ").append(t.lowValue()).append(' ').append(t.highValue())
                            .append(" default L").append(label(labels, t.defaultTarget()));
                    for (SwitchCase c : t.cases()) {
                        sb.append(' ').append(c.caseValue()).append(":L").append(label(labels, c.target()));
                    }
                    sb.append('\n');
                }
                case LookupSwitchInstruction t -> {
                    sb.append("lookupswitch default L").append(label(labels, t.defaultTarget()));
                    for (SwitchCase c : t.cases()) {
                        sb.append(' ').append(c.caseValue()).append(":L").append(label(labels, c.target()));
                    }
                    sb.append('\n');
                }
                case ConstantInstruction.LoadConstantInstruction lc when lc.constantEntry() instanceof ConstantDynamicEntry cd
                        && cd.bootstrap().bootstrapMethod().reference().owner().asInternalName().equals("org/jstackless/internal/soft/MethodInfo") ->
                        sb.append("ldc jslInfo\n");
                case ExceptionCatch x -> sb.append("catch L").append(label(labels, x.tryStart())).append(" L")
                        .append(label(labels, x.tryEnd())).append(" L").append(label(labels, x.handler())).append(' ')
                        .append(x.catchType().map(c -> c.asInternalName()).orElse("*")).append('\n');
                case Instruction i -> sb.append(i).append('\n');
                default -> {
                    // line numbers, local variable tables, character ranges: debug information
                }
            }
        }
        return sb.toString();
    }

    private static int label(Map<Label, Integer> labels, Label l) {
        return labels.computeIfAbsent(l, k -> labels.size());
    }

    static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xFF);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For diagnostics: the canonical text a method's fingerprint is computed from. */
    public static String canonical(Class<?> owner, String name, String desc) {
        byte[] bytes = classBytes(owner);
        if (bytes == null) {
            return null;
        }
        for (MethodModel mm : ClassFile.of().parse(bytes).methods()) {
            if (mm.methodName().equalsString(name) && mm.methodType().equalsString(desc)) {
                return render(mm);
            }
        }
        return null;
    }

}
