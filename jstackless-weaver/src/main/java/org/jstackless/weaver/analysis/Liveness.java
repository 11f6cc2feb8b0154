package org.jstackless.weaver.analysis;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Live local variables, by a backward data-flow analysis over the instruction list.
 *
 * <p>Algorithm: {@code in[i] = use[i] ∪ (out[i] − def[i]) ∪ exc[i]}, where {@code out[i]} is the
 * union of {@code in} over the normal successors (fall-through, jump and switch targets) and
 * {@code exc[i]} the union of {@code in} over the handlers whose range covers {@code i} (an
 * exception may leave {@code i} before its definition happens, so handlers' needs are never
 * killed). Iterated to a fixed point over a worklist, in reverse order first. Locals are keyed by
 * their first slot; a {@code long}/{@code double} is live when its first slot is.
 */
public final class Liveness {
    private final BitSet[] in;
    private final BitSet[] exc;

    public Liveness(MethodNode mn) {
        InsnList insns = mn.instructions;
        int n = insns.size();
        in = new BitSet[n];
        exc = new BitSet[n];
        BitSet[] use = new BitSet[n];
        BitSet[] def = new BitSet[n];
        List<List<Integer>> succ = new ArrayList<>(n);
        List<List<Integer>> handlers = new ArrayList<>(n);
        List<List<Integer>> preds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            in[i] = new BitSet();
            exc[i] = new BitSet();
            use[i] = new BitSet();
            def[i] = new BitSet();
            succ.add(new ArrayList<>(2));
            handlers.add(new ArrayList<>(1));
            preds.add(new ArrayList<>(2));
        }
        for (int i = 0; i < n; i++) {
            AbstractInsnNode x = insns.get(i);
            int op = x.getOpcode();
            if (x instanceof VarInsnNode v) {
                if (op >= Opcodes.ILOAD && op <= Opcodes.ALOAD || op == Opcodes.RET) {
                    use[i].set(v.var);
                } else {
                    def[i].set(v.var);
                }
            } else if (x instanceof IincInsnNode inc) {
                use[i].set(inc.var);
            }
            List<Integer> s = succ.get(i);
            if (x instanceof JumpInsnNode j) {
                s.add(insns.indexOf(j.label));
                if (op != Opcodes.GOTO && op != Opcodes.JSR) {
                    s.add(i + 1);
                }
            } else if (x instanceof TableSwitchInsnNode t) {
                s.add(insns.indexOf(t.dflt));
                for (LabelNode l : t.labels) {
                    s.add(insns.indexOf(l));
                }
            } else if (x instanceof LookupSwitchInsnNode t) {
                s.add(insns.indexOf(t.dflt));
                for (LabelNode l : t.labels) {
                    s.add(insns.indexOf(l));
                }
            } else if (!(op >= Opcodes.IRETURN && op <= Opcodes.RETURN || op == Opcodes.ATHROW || op == Opcodes.RET)) {
                if (i + 1 < n) {
                    s.add(i + 1);
                }
            }
        }
        for (TryCatchBlockNode tc : mn.tryCatchBlocks) {
            int start = insns.indexOf(tc.start);
            int end = insns.indexOf(tc.end);
            int h = insns.indexOf(tc.handler);
            for (int i = start; i < end; i++) {
                handlers.get(i).add(h);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int s : succ.get(i)) {
                preds.get(s).add(i);
            }
            for (int s : handlers.get(i)) {
                preds.get(s).add(i);
            }
        }
        java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
        boolean[] queued = new boolean[n];
        for (int i = n - 1; i >= 0; i--) {
            work.add(i);
            queued[i] = true;
        }
        BitSet tmp = new BitSet();
        while (!work.isEmpty()) {
            int i = work.poll();
            queued[i] = false;
            tmp.clear();
            for (int s : succ.get(i)) {
                tmp.or(in[s]);
            }
            tmp.andNot(def[i]);
            tmp.or(use[i]);
            BitSet e = exc[i];
            e.clear();
            for (int h : handlers.get(i)) {
                e.or(in[h]);
            }
            tmp.or(e);
            if (!tmp.equals(in[i])) {
                in[i] = (BitSet) tmp.clone();
                for (int p : preds.get(i)) {
                    if (!queued[p]) {
                        queued[p] = true;
                        work.add(p);
                    }
                }
            }
        }
    }

    /** Locals live right before instruction {@code i} (including those its handlers need). */
    public BitSet liveIn(int i) {
        return (BitSet) in[i].clone();
    }

    /**
     * Locals live on the jump from instruction {@code from} to instruction {@code to}, or needed by
     * the handlers covering {@code from}.
     */
    public BitSet liveOnEdge(int from, int to) {
        BitSet b = (BitSet) exc[from].clone();
        b.or(in[to]);
        return b;
    }

    /** Locals live right after instruction {@code i} completes normally, or needed by its handlers. */
    public BitSet liveAfter(int i) {
        BitSet b = (BitSet) exc[i].clone();
        if (i + 1 < in.length) {
            b.or(in[i + 1]);
        }
        return b;
    }
}
