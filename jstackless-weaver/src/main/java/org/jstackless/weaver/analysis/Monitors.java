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

/** Where a method holds a monitor: a suspendable call there cannot be a soft switch point. */
public final class Monitors {
    private Monitors() {
    }

    /**
     * Monitor nesting depth before each instruction: forward propagation of +1 at
     * {@code MONITORENTER} and -1 at {@code MONITOREXIT} along jumps and into handlers, taking the
     * maximum where paths meet.
     */
    public static int[] monitorDepths(MethodNode m) {
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
}
