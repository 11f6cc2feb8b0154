package org.jstackless.weaver.analysis;

import org.jstackless.weaver.abi.Abi;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * The pickle fingerprint of a woven method, computed by the weaver from the method's ORIGINAL
 * code (before any transformation) and recorded in the woven class (the {@code MethodInfo}
 * constant's bootstrap arguments and the {@code @WovenMethod} annotation).
 *
 * <p>Why here and not from the loaded class file at run time: with build-time weaving the class
 * file on the class path is the woven one, with the agent it is the original, so a run-time hash
 * of "the class file" differed between the two and pickles could not move between them. The
 * weaver sees the same original bytes on both paths, so this fingerprint is the same whoever wove.
 *
 * <p>What it covers: {@link #FORMAT} (the weaver's frame format: bump it whenever the woven code
 * saves or restores frames differently), the method's flags, name and descriptor, every
 * instruction with its symbolic operands (jump targets numbered in order of appearance, only
 * labels that are targets count), the exception table, and the per-call-site slot layouts — so a
 * pickle never loads into code whose frames have another shape (e.g. woven with ticks off). Line
 * numbers, local variable names and stack maps are left out: moving a method in its file does not
 * invalidate pickles.
 */
public final class Canonical {
    /** Version of the frame format woven code uses (what a frame's slots mean). */
    public static final int FORMAT = Abi.FRAME_FORMAT;

    private Canonical() {
    }

    /** The canonical text of {@code mn}'s code; call it before the method is transformed. */
    public static String render(MethodNode mn) {
        StringBuilder sb = new StringBuilder();
        sb.append(mn.access & 0xFFFF).append(' ').append(mn.name).append(mn.desc).append('\n');
        Map<LabelNode, Integer> labels = new IdentityHashMap<>();
        // Only labels something refers to are numbered: line-number and local-variable labels vary
        // with source positions, not with the code.
        Map<LabelNode, Boolean> targets = new IdentityHashMap<>();
        for (AbstractInsnNode x : mn.instructions) {
            switch (x) {
                case JumpInsnNode j -> targets.put(j.label, true);
                case TableSwitchInsnNode t -> {
                    targets.put(t.dflt, true);
                    t.labels.forEach(l -> targets.put(l, true));
                }
                case LookupSwitchInsnNode t -> {
                    targets.put(t.dflt, true);
                    t.labels.forEach(l -> targets.put(l, true));
                }
                default -> {
                }
            }
        }
        for (TryCatchBlockNode t : mn.tryCatchBlocks) {
            targets.put(t.start, true);
            targets.put(t.end, true);
            targets.put(t.handler, true);
        }
        for (AbstractInsnNode x : mn.instructions) {
            if (x instanceof LabelNode l) {
                if (targets.containsKey(l)) {
                    sb.append('L').append(label(labels, l)).append(":\n");
                }
                continue;
            }
            int op = x.getOpcode();
            if (op < 0) {
                continue; // line numbers, stack map frames
            }
            sb.append(op);
            switch (x) {
                case IntInsnNode i -> sb.append(' ').append(i.operand);
                case VarInsnNode v -> sb.append(' ').append(v.var);
                case TypeInsnNode t -> sb.append(' ').append(t.desc);
                case FieldInsnNode f -> sb.append(' ').append(f.owner).append('.').append(f.name).append(' ').append(f.desc);
                case MethodInsnNode m -> sb.append(' ').append(m.owner).append('.').append(m.name).append(m.desc)
                        .append(m.itf ? " itf" : "");
                case InvokeDynamicInsnNode d -> sb.append(' ').append(d.name).append(d.desc).append(' ').append(d.bsm)
                        .append(' ').append(Arrays.deepToString(d.bsmArgs));
                case JumpInsnNode j -> sb.append(" L").append(label(labels, j.label));
                case LdcInsnNode l -> sb.append(' ').append(l.cst.getClass().getSimpleName()).append(' ').append(l.cst);
                case IincInsnNode i -> sb.append(' ').append(i.var).append(' ').append(i.incr);
                case TableSwitchInsnNode t -> {
                    sb.append(' ').append(t.min).append(' ').append(t.max).append(" L").append(label(labels, t.dflt));
                    t.labels.forEach(l -> sb.append(" L").append(label(labels, l)));
                }
                case LookupSwitchInsnNode t -> {
                    sb.append(" L").append(label(labels, t.dflt));
                    for (int k = 0; k < t.keys.size(); k++) {
                        sb.append(' ').append(t.keys.get(k)).append(":L").append(label(labels, t.labels.get(k)));
                    }
                }
                case MultiANewArrayInsnNode m -> sb.append(' ').append(m.desc).append(' ').append(m.dims);
                default -> {
                }
            }
            sb.append('\n');
        }
        for (TryCatchBlockNode t : mn.tryCatchBlocks) {
            sb.append("catch L").append(label(labels, t.start)).append(" L").append(label(labels, t.end)).append(" L")
                    .append(label(labels, t.handler)).append(' ').append(t.type == null ? "*" : t.type).append('\n');
        }
        return sb.toString();
    }

    private static int label(Map<LabelNode, Integer> labels, LabelNode l) {
        return labels.computeIfAbsent(l, k -> labels.size());
    }

    /** The fingerprint: the first 8 bytes of a SHA-256 over the format, the original code and the layouts. */
    public static long fingerprint(String original, String layouts) {
        String s = Abi.FINGERPRINT_PREFIX + FORMAT + "\n" + original + "layouts " + layouts + "\n";
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
}
