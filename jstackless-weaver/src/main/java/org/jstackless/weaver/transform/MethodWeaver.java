package org.jstackless.weaver.transform;

import org.jstackless.weaver.abi.Abi;
import org.jstackless.weaver.analysis.Boxes;
import org.jstackless.weaver.analysis.Canonical;
import org.jstackless.weaver.analysis.ClassHierarchy;
import org.jstackless.weaver.analysis.Liveness;
import org.jstackless.weaver.analysis.Monitors;
import org.jstackless.weaver.analysis.TypeVerifier;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

/**
 * Weaves one suspendable method: unwind-by-return at every suspendable call site and tick point,
 * lazy re-entry at the method's start.
 *
 * <p>Algorithm.
 * <ol>
 * <li>Uninitialised objects: for every {@code NEW T; DUP; args...; INVOKESPECIAL T.<init>} whose
 *     argument code contains a suspendable call (found with a {@link SourceInterpreter} analysis:
 *     the constructor's receiver is produced by the {@code DUP} after the {@code NEW}), the
 *     {@code NEW}/{@code DUP} pair is moved after the arguments: the arguments are spilled to fresh
 *     locals, then {@code NEW T; DUP}, then they are reloaded. No uninitialised value is then live
 *     across a suspension. (Class initialisation of {@code T} happens after the arguments are
 *     evaluated instead of before.)</li>
 * <li>Types and liveness: an {@link Analyzer} with {@link TypeVerifier} gives the verifier type of
 *     every local and stack slot at each call site; {@link Liveness} gives the locals still read
 *     after it. Saved: live, typed locals (not {@code this}, which the re-entry passes back) and
 *     the whole operand stack below the call's arguments. {@code null}-typed values are not
 *     stored, they are re-created.</li>
 * <li>Code: a prologue {@code ctx = SoftContext.current(); d = ctx.enter(H); if (d != 0 && (fr =
 *     ctx.restoring()) != null) { d = 0; goto RESTORE }} ({@code d}, the chain value, is 0 while every
 *     frame down to the strand's entry can unwind: see {@code SoftContext}). At call site {@code i}:
 *     {@code ctx.expect = hash(callee) ^ d} before the invoke, {@code ctx.expect = d} after it; after
 *     it {@code goto CHECK_i; RESUME_i: ctx.resumeValue(), unboxed/cast; CHECK_i: if
 *     (ctx.unwinding) goto UNWIND_i}. {@code RESUME_i} sits in the call's exception ranges, so an
 *     exception delivered on resume is caught by the method's own handlers. Out of line, after
 *     the original code (outside every exception range): {@code UNWIND_i} pops the call's dummy
 *     result, spills the stack, saves the values into {@code ctx.push(INFO, this, i, nRefs,
 *     nPrims)} and returns a default value; {@code RESTORE} switches on the saved site, reloads
 *     locals and stack (casting to the analysed types), releases the frame and jumps to
 *     {@code RESUME_i}. {@code INFO} is a dynamic constant (one per method) built by
 *     {@code MethodInfo.bootstrap}: re-entry handle, names, source file, each site's line, the
 *     method's pickle fingerprint and each site's slot layout (also in a {@code @WovenMethod}
 *     annotation, for loading pickles: see {@link Canonical}); its name {@code jslInfo#k} gives the
 *     method's case {@code k} in the class's re-entry dispatcher ({@code ClassTransform.dispatcher}).</li>
 * <li>Tick points (preemption, unless turned off or the method is {@code synchronized}): at the
 *     method's entry (after the prologue), before every backward {@code goto}, on the taken edge
 *     of every backward conditional jump (the jump is inverted around the tick), and before every
 *     switch with a backward target: {@code if (ctx.timed && --ctx.ticks < 0) { Preemption.expired(d); goto
 *     CHECK_t; RESUME_t: ctx.resumeValue(), discarded; CHECK_t: if (ctx.unwinding) goto UNWIND_t }}.
 *     A tick point is a site like a call site with no result: its live locals and operand stack are
 *     saved by {@code UNWIND_t} and restored by {@code RESTORE}, and {@code RESUME_t} lies in the
 *     exception ranges of the instruction it guards. Skipped where a monitor is held or an
 *     uninitialised object ({@link TypeVerifier.Uninit}) is on the stack or in a live local. The
 *     entry tick gets the method's first line entry, moved to cover it.</li>
 * <li>Handlers: every handler of a try block around a suspendable call starts with {@code if
 *     (ctx.unwinding) rethrow} (the rethrow out of line, outside every range), so no catch or finally
 *     block runs while the strand unwinds: see {@link #guardHandlers}.</li>
 * </ol>
 * Sites are numbered in code order. Injected code has no line-number entries of its own; frames are
 * recomputed by the class writer.
 */
final class MethodWeaver {
    static final String CTX = Abi.CTX;
    static final String FRAME = Abi.FRAME;
    static final String INFO = Abi.INFO;
    static final String PREEMPTION = Abi.PREEMPTION;
    static final String WOVEN_METHOD = Abi.WOVEN_METHOD;
    static final Handle BSM = new Handle(Opcodes.H_INVOKESTATIC, INFO, Abi.INFO_BOOTSTRAP, Abi.INFO_BOOTSTRAP_DESC,
            false);

    private enum Kind { REF, NULL, INT, FLOAT, LONG, DOUBLE }

    private record Slot(int local, Kind kind, Type type) {
    }

    /** What a suspension point is: a suspendable call, or a tick point (see {@link #addTicks}). */
    private enum SiteKind { CALL, ENTRY, GOTO, COND, SWITCH }

    private static final class Site {
        SiteKind kind = SiteKind.CALL;
        /** The call; for a tick point the jump or switch it guards (null at the method entry). */
        AbstractInsnNode insn;
        /** The call's return type (void for a tick point: nothing to pop, nothing to resume with). */
        Type result = Type.VOID_TYPE;
        /** Position in the instruction list before weaving, to number sites in code order. */
        int pos;
        int index;
        int line;
        final List<Slot> locals = new ArrayList<>();
        final List<Slot> stack = new ArrayList<>();
        int nRefs;
        int nPrims;
        LabelNode resume = new LabelNode();
        LabelNode unwind = new LabelNode();
    }

    private final ClassNode cn;
    private final MethodNode mn;
    private final ClassHierarchy h;
    private final int entryHash;
    private final boolean ticks;
    /** The class's methods re-entered through its dispatcher so far (see {@link ClassTransform#dispatcher}). */
    private final List<MethodNode> reentered;
    private int nextLocal;
    private int maxLocal;

    MethodWeaver(ClassNode cn, MethodNode mn, ClassHierarchy h, int entryHash, boolean ticks,
            List<MethodNode> reentered) {
        this.reentered = reentered;
        this.cn = cn;
        this.mn = mn;
        this.h = h;
        this.entryHash = entryHash;
        this.ticks = ticks && (mn.access & Opcodes.ACC_SYNCHRONIZED) == 0;
    }

    /** The hash of a method's name and descriptor used by the chain token: always odd (see SoftContext). */
    static int hash(String name, String desc) {
        return Abi.hash(name, desc);
    }

    private final StringBuilder callLines = new StringBuilder();

    /** A failure naming class, method and line. */
    private static TransformException failure(String className, String method, int line, String what) {
        return new TransformException(className.replace('/', '.') + "." + method
                + (line > 0 ? " (line " + line + ")" : "") + ": " + what);
    }

    /** The source lines of the woven method's suspendable call sites, comma-separated (after {@link #weave}). */
    String callLines() {
        return callLines.toString();
    }

    /**
     * Weaves the method in place; {@code sites} are its suspendable invoke instructions. The steps,
     * in this order (each allocates its locals after the previous one's): fingerprint the original
     * code, analyse types and liveness, collect the suspension points, record the method's facts,
     * then insert the prologue, the tick points, the call-site code, and the out-of-line unwind and
     * restore blocks.
     */
    void weave(List<MethodInsnNode> sites) throws TransformException {
        maxLocal = mn.maxLocals;
        nextLocal = maxLocal;
        if (sites.isEmpty() && !ticks) {
            weaveLeaf();
            return;
        }
        String original = Canonical.render(mn); // before any change: the same whoever weaves
        moveNews(sites);
        boolean isStatic = (mn.access & Opcodes.ACC_STATIC) != 0;
        boolean thisReassigned = !isStatic && reassignsThis();
        Frame<BasicValue>[] frames = analyseTypes();
        Liveness live = new Liveness(mn);
        List<Site> ss = collectCallSites(sites, frames, live, isStatic, thisReassigned);
        if (ticks) {
            addTicks(ss, frames, live, isStatic, thisReassigned);
        }
        if (ss.isEmpty()) {
            weaveLeaf();
            return;
        }
        numberSites(ss);
        int ctx = maxLocal;
        int fr = maxLocal + 1;
        int d = maxLocal + 2;
        nextLocal = maxLocal + 3;
        maxLocal = nextLocal;
        ConstantDynamic info = recordFacts(ss, original, isStatic);
        LabelNode restore = new LabelNode();
        LabelNode notZero = new LabelNode();
        LabelNode body = new LabelNode();
        insertPrologue(ss, ctx, d, notZero, body);
        insertBackEdgeTicks(ss, ctx, d);
        instrumentCallSites(ss, ctx, d);
        InsnList tail = new InsnList();
        tail.add(new LabelNode());
        guardHandlers(ss, ctx, tail);
        addUnwindBlocks(tail, ss, ctx, info, isStatic);
        addRestoreBlocks(tail, ss, ctx, fr, d, notZero, body, restore);
        mn.instructions.add(tail);
        mn.maxLocals = maxLocal;
    }

    /** True when the method stores into local 0 (so {@code this} must be saved like any live local). */
    private boolean reassignsThis() {
        boolean thisReassigned = false;
        for (AbstractInsnNode x : mn.instructions) {
            if (x instanceof VarInsnNode v && v.var == 0 && v.getOpcode() >= Opcodes.ISTORE
                    && v.getOpcode() <= Opcodes.ASTORE) {
                thisReassigned = true;
            }
        }
        return thisReassigned;
    }

    /** The frames of the type analysis (the types the restore code casts saved values to). */
    private Frame<BasicValue>[] analyseTypes() throws TransformException {
        try {
            Type sup = cn.superName == null ? null : Type.getObjectType(cn.superName);
            List<Type> itfs = new ArrayList<>();
            for (String i : cn.interfaces) {
                itfs.add(Type.getObjectType(i));
            }
            return new TypeVerifier(h, Type.getObjectType(cn.name), sup, itfs,
                    (cn.access & Opcodes.ACC_INTERFACE) != 0).analyze(cn.name, mn);
        } catch (AnalyzerException e) {
            throw failure(cn.name, mn.name, lineOf(e.node), "cannot analyse the method: " + e.getMessage());
        }
    }

    /** A site per reachable suspendable call, with the locals live after it and the stack below its arguments. */
    private List<Site> collectCallSites(List<MethodInsnNode> sites, Frame<BasicValue>[] frames, Liveness live,
            boolean isStatic, boolean thisReassigned) throws TransformException {
        InsnList insns = mn.instructions;
        List<Site> ss = new ArrayList<>();
        for (MethodInsnNode x : sites) {
            int idx = insns.indexOf(x);
            Frame<BasicValue> f = frames[idx];
            if (f == null) {
                continue; // unreachable
            }
            Site s = new Site();
            s.insn = x;
            s.result = Type.getReturnType(x.desc);
            s.pos = idx;
            s.line = lineOf(x);
            BitSet liveAfter = live.liveAfter(idx);
            for (int l = 0; l < f.getLocals(); l++) {
                if (l == 0 && !isStatic && !thisReassigned) {
                    continue;
                }
                if (!liveAfter.get(l)) {
                    continue;
                }
                Slot slot = slot(l, f.getLocal(l), x, false);
                if (slot != null) {
                    s.locals.add(slot);
                }
            }
            int nargs = Type.getArgumentTypes(x.desc).length + (x.getOpcode() == Opcodes.INVOKESTATIC ? 0 : 1);
            for (int j = 0; j < f.getStackSize() - nargs; j++) {
                s.stack.add(slot(-1, f.getStack(j), x, true));
            }
            for (Slot sl : s.locals) {
                count(s, sl);
            }
            for (Slot sl : s.stack) {
                count(s, sl);
            }
            ss.add(s);
        }
        return ss;
    }

    /** Numbers the suspension points in code order. */
    private static void numberSites(List<Site> ss) {
        ss.sort(java.util.Comparator.comparingInt((Site s) -> s.pos));
        for (int i = 0; i < ss.size(); i++) {
            ss.get(i).index = i;
        }
    }

    /**
     * Records what the runtime and the pickler need to know of the method: the call lines, the
     * {@code MethodInfo} dynamic constant (returned; its name carries the method's case in the
     * class's re-entry dispatcher) and the {@code @WovenMethod} annotation.
     */
    private ConstantDynamic recordFacts(List<Site> ss, String original, boolean isStatic) {
        for (Site s : ss) {
            if (s.kind == SiteKind.CALL) {
                callLines.append(callLines.length() == 0 ? "" : ",").append(s.line);
            }
        }
        StringBuilder lines = new StringBuilder();
        for (Site s : ss) {
            lines.append(lines.length() == 0 ? "" : ",").append(s.line);
        }
        String layouts = layouts(ss);
        long fingerprint = Canonical.fingerprint(original, layouts);
        ConstantDynamic info = new ConstantDynamic(Abi.INFO_CONSTANT + Abi.REENTRY_MARK + reentered.size(), "L" + INFO + ";", BSM,
                mn.name, mn.desc, isStatic ? 1 : 0, cn.sourceFile == null ? "" : cn.sourceFile, lines.toString(),
                fingerprint, layouts);
        reentered.add(mn);
        // The same facts for a pickle being loaded, which must check frames before this code runs.
        AnnotationNode wm = new AnnotationNode(WOVEN_METHOD);
        wm.values = new ArrayList<>(List.of(Abi.WOVEN_METHOD_FINGERPRINT, fingerprint, Abi.WOVEN_METHOD_LAYOUTS, layouts));
        if (mn.visibleAnnotations == null) {
            mn.visibleAnnotations = new ArrayList<>();
        }
        mn.visibleAnnotations.add(wm);
        return info;
    }

    /**
     * The prologue: {@code d = ctx.enter(H); if (d != 0) goto NOT_ZERO} (out of line: a broken chain
     * runs on, a re-entry restores), then the entry tick if there is one.
     */
    private void insertPrologue(List<Site> ss, int ctx, int d, LabelNode notZero, LabelNode body) {
        InsnList pro = new InsnList();
        pro.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CTX, Abi.CTX_CURRENT, Abi.CTX_CURRENT_DESC, false));
        pro.add(new VarInsnNode(Opcodes.ASTORE, ctx));
        pro.add(new VarInsnNode(Opcodes.ALOAD, ctx));
        pro.add(new LdcInsnNode(entryHash));
        pro.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, CTX, Abi.CTX_ENTER, Abi.CTX_ENTER_DESC, false));
        pro.add(new InsnNode(Opcodes.DUP));
        pro.add(new VarInsnNode(Opcodes.ISTORE, d));
        pro.add(new JumpInsnNode(Opcodes.IFNE, notZero));
        pro.add(body);
        for (Site s : ss) {
            if (s.kind == SiteKind.ENTRY) {
                // The entry tick, after the prologue; the first line entry is moved to cover it.
                LabelNode entry = new LabelNode();
                pro.add(entry);
                LineNumberNode first = firstLineBeforeCode();
                if (first != null) {
                    first.start = entry;
                }
                pro.add(tickCode(s, ctx, d));
            }
        }
        mn.instructions.insert(pro);
    }

    /** Tick points at back-edges: before a backward goto or switch, on the taken edge of a backward conditional. */
    private void insertBackEdgeTicks(List<Site> ss, int ctx, int d) {
        InsnList insns = mn.instructions;
        for (Site s : ss) {
            switch (s.kind) {
                case GOTO, SWITCH -> insns.insertBefore(s.insn, tickCode(s, ctx, d));
                case COND -> {
                    // if<cond> L  ->  if<!cond> SKIP; tick; goto L; SKIP:
                    JumpInsnNode j = (JumpInsnNode) s.insn;
                    LabelNode skip = new LabelNode();
                    InsnList l = new InsnList();
                    l.add(new JumpInsnNode(invert(j.getOpcode()), skip));
                    l.add(tickCode(s, ctx, d));
                    l.add(new JumpInsnNode(Opcodes.GOTO, j.label));
                    l.add(skip);
                    insns.insertBefore(j, l);
                    insns.remove(j);
                }
                default -> {
                }
            }
        }
    }

    /**
     * Around every suspendable call: hand on the chain token before it, put this frame's back after
     * it, and the resume point (the call's result from {@code ctx.resumeValue()}) and the unwinding
     * check.
     */
    private void instrumentCallSites(List<Site> ss, int ctx, int d) {
        InsnList insns = mn.instructions;
        for (Site s : ss) {
            if (s.kind != SiteKind.CALL) {
                continue;
            }
            MethodInsnNode x = (MethodInsnNode) s.insn;
            InsnList before = new InsnList();
            before.add(new VarInsnNode(Opcodes.ALOAD, ctx));
            before.add(new LdcInsnNode(hash(x.name, x.desc)));
            before.add(new VarInsnNode(Opcodes.ILOAD, d));
            before.add(new InsnNode(Opcodes.IXOR));
            before.add(new FieldInsnNode(Opcodes.PUTFIELD, CTX, Abi.CTX_EXPECT, Abi.CTX_EXPECT_DESC));
            insns.insertBefore(x, before);
            LabelNode check = new LabelNode();
            InsnList after = new InsnList();
            // Back in this frame: the token is this frame's d again, even if the callee was not woven
            // (it would have left hash(callee), which a later plain call to a woven method of that
            // name and descriptor would take for an intact chain).
            after.add(new VarInsnNode(Opcodes.ALOAD, ctx));
            after.add(new VarInsnNode(Opcodes.ILOAD, d));
            after.add(new FieldInsnNode(Opcodes.PUTFIELD, CTX, Abi.CTX_EXPECT, Abi.CTX_EXPECT_DESC));
            after.add(new JumpInsnNode(Opcodes.GOTO, check));
            after.add(s.resume);
            after.add(new VarInsnNode(Opcodes.ALOAD, ctx));
            after.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, CTX, Abi.CTX_RESUME_VALUE, Abi.CTX_RESUME_VALUE_DESC, false));
            unbox(after, Type.getReturnType(x.desc));
            after.add(check);
            after.add(new VarInsnNode(Opcodes.ALOAD, ctx));
            after.add(new FieldInsnNode(Opcodes.GETFIELD, CTX, Abi.CTX_UNWINDING, Abi.CTX_UNWINDING_DESC));
            after.add(new JumpInsnNode(Opcodes.IFNE, s.unwind));
            insns.insert(x, after);
        }
    }

    /**
     * Every handler of a try block around a suspendable call first checks {@code ctx.unwinding} and,
     * when it is set, rethrows out of line (outside every exception range). While a strand unwinds
     * nothing is thrown, except by frameless code between two woven frames acting on the placeholder
     * value an unwinding frame returns (see {@code SoftStrand.failed}): the method's own catch and
     * finally blocks must not run in the middle of a switch, so the exception goes straight to the
     * strand's trampoline, which ends the tasklet clearly. Exception paths only: nothing per call.
     */
    private void guardHandlers(List<Site> ss, int ctx, InsnList tail) {
        if (mn.tryCatchBlocks == null || mn.tryCatchBlocks.isEmpty()) {
            return;
        }
        InsnList insns = mn.instructions;
        List<AbstractInsnNode> calls = new ArrayList<>();
        for (Site s : ss) {
            if (s.kind == SiteKind.CALL) {
                calls.add(s.insn);
            }
        }
        java.util.Set<LabelNode> guarded = new java.util.HashSet<>();
        List<LabelNode> toGuard = new ArrayList<>();
        for (TryCatchBlockNode tcb : mn.tryCatchBlocks) {
            if (guarded.contains(tcb.handler)) {
                continue;
            }
            int from = insns.indexOf(tcb.start);
            int to = insns.indexOf(tcb.end);
            for (AbstractInsnNode x : calls) {
                int i = insns.indexOf(x);
                if (i > from && i < to) {
                    guarded.add(tcb.handler);
                    toGuard.add(tcb.handler);
                    break;
                }
            }
        }
        for (LabelNode handler : toGuard) {
            LabelNode rethrow = new LabelNode();
            InsnList g = new InsnList();
            g.add(new VarInsnNode(Opcodes.ALOAD, ctx));
            g.add(new FieldInsnNode(Opcodes.GETFIELD, CTX, Abi.CTX_UNWINDING, Abi.CTX_UNWINDING_DESC));
            g.add(new JumpInsnNode(Opcodes.IFNE, rethrow));
            insns.insert(handler, g);
            tail.add(rethrow);
            tail.add(new InsnNode(Opcodes.ATHROW));
        }
    }

    /**
     * Out of line, after all original code: per site, the unwind block that saves the live values
     * into {@code ctx.push(info, this, site, nRefs, nPrims)} and returns a default value.
     */
    private void addUnwindBlocks(InsnList tail, List<Site> ss, int ctx, ConstantDynamic info, boolean isStatic) {
        Type ret = Type.getReturnType(mn.desc);
        for (Site s : ss) {
            tail.add(s.unwind);
            Type cr = s.result;
            if (cr.getSize() == 2) {
                tail.add(new InsnNode(Opcodes.POP2));
            } else if (cr.getSize() == 1) {
                tail.add(new InsnNode(Opcodes.POP));
            }
            int base = nextLocal;
            int[] stackVars = new int[s.stack.size()];
            for (int j = s.stack.size() - 1; j >= 0; j--) {
                Slot sl = s.stack.get(j);
                if (sl.kind == Kind.NULL) {
                    tail.add(new InsnNode(Opcodes.POP));
                    continue;
                }
                stackVars[j] = alloc(sl);
                tail.add(new VarInsnNode(storeOp(sl.kind), stackVars[j]));
            }
            tail.add(new VarInsnNode(Opcodes.ALOAD, ctx));
            tail.add(new LdcInsnNode(info));
            tail.add(isStatic ? new InsnNode(Opcodes.ACONST_NULL) : new VarInsnNode(Opcodes.ALOAD, 0));
            tail.add(iconst(s.index));
            tail.add(iconst(s.nRefs));
            tail.add(iconst(s.nPrims));
            tail.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, CTX, Abi.CTX_PUSH, Abi.CTX_PUSH_DESC, false));
            int refsVar = -1;
            int primsVar = -1;
            if (s.nRefs > 0 && s.nPrims > 0) {
                tail.add(new InsnNode(Opcodes.DUP));
            }
            if (s.nRefs > 0) {
                refsVar = allocN(1);
                tail.add(new FieldInsnNode(Opcodes.GETFIELD, FRAME, Abi.FRAME_REFS, Abi.FRAME_REFS_DESC));
                tail.add(new VarInsnNode(Opcodes.ASTORE, refsVar));
            }
            if (s.nPrims > 0) {
                primsVar = allocN(1);
                tail.add(new FieldInsnNode(Opcodes.GETFIELD, FRAME, Abi.FRAME_PRIMS, Abi.FRAME_PRIMS_DESC));
                tail.add(new VarInsnNode(Opcodes.ASTORE, primsVar));
            }
            if (s.nRefs == 0 && s.nPrims == 0) {
                tail.add(new InsnNode(Opcodes.POP));
            }
            int[] ri = {0};
            int[] pi = {0};
            for (Slot sl : s.locals) {
                save(tail, sl, sl.local, refsVar, primsVar, ri, pi);
            }
            for (int j = 0; j < s.stack.size(); j++) {
                save(tail, s.stack.get(j), stackVars[j], refsVar, primsVar, ri, pi);
            }
            returnDefault(tail, ret);
            nextLocal = base;
        }
    }

    /**
     * Out of line: a non-zero {@code d} is a broken chain (back to the body) or a re-entry, which
     * switches on the saved site, reloads its values, releases the frame and jumps to its resume point.
     */
    private void addRestoreBlocks(InsnList tail, List<Site> ss, int ctx, int fr, int d, LabelNode notZero,
            LabelNode body, LabelNode restore) {
        tail.add(notZero);
        tail.add(new VarInsnNode(Opcodes.ALOAD, ctx));
        tail.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, CTX, Abi.CTX_RESTORING, Abi.CTX_RESTORING_DESC, false));
        tail.add(new InsnNode(Opcodes.DUP));
        tail.add(new VarInsnNode(Opcodes.ASTORE, fr));
        tail.add(new JumpInsnNode(Opcodes.IFNULL, body));
        tail.add(new InsnNode(Opcodes.ICONST_0));
        tail.add(new VarInsnNode(Opcodes.ISTORE, d));

        // Restore dispatcher.
        tail.add(restore);
        LabelNode[] targets = new LabelNode[ss.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = new LabelNode();
        }
        tail.add(new VarInsnNode(Opcodes.ALOAD, fr));
        tail.add(new FieldInsnNode(Opcodes.GETFIELD, FRAME, Abi.FRAME_SITE, Abi.FRAME_SITE_DESC));
        tail.add(new TableSwitchInsnNode(0, targets.length - 1, targets[0], targets));
        for (Site s : ss) {
            tail.add(targets[s.index]);
            int base = nextLocal;
            int refsVar = -1;
            int primsVar = -1;
            if (s.nRefs > 0) {
                refsVar = allocN(1);
                tail.add(new VarInsnNode(Opcodes.ALOAD, fr));
                tail.add(new FieldInsnNode(Opcodes.GETFIELD, FRAME, Abi.FRAME_REFS, Abi.FRAME_REFS_DESC));
                tail.add(new VarInsnNode(Opcodes.ASTORE, refsVar));
            }
            if (s.nPrims > 0) {
                primsVar = allocN(1);
                tail.add(new VarInsnNode(Opcodes.ALOAD, fr));
                tail.add(new FieldInsnNode(Opcodes.GETFIELD, FRAME, Abi.FRAME_PRIMS, Abi.FRAME_PRIMS_DESC));
                tail.add(new VarInsnNode(Opcodes.ASTORE, primsVar));
            }
            int[] ri = {0};
            int[] pi = {0};
            for (Slot sl : s.locals) {
                load(tail, sl, refsVar, primsVar, ri, pi);
                tail.add(new VarInsnNode(storeOp(sl.kind), sl.local));
            }
            for (Slot sl : s.stack) {
                load(tail, sl, refsVar, primsVar, ri, pi);
            }
            tail.add(new VarInsnNode(Opcodes.ALOAD, fr));
            tail.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, Abi.FRAME_RELEASE, Abi.FRAME_RELEASE_DESC, false));
            tail.add(new JumpInsnNode(Opcodes.GOTO, s.resume));
            nextLocal = base;
        }
    }

    /**
     * The slot layout of every site, in site order, comma-separated: per site the descriptor of
     * each saved value in save order (locals then stack; int, float, long, double as I, F, J, D
     * — booleans, bytes, chars and shorts are saved as ints — references as the analysed type's
     * descriptor; null-typed values are not saved), then {@code )} and, for a call site, the call's
     * return type (nothing for a tick point). See {@code MethodInfo} for the reader.
     */
    private static String layouts(List<Site> ss) {
        List<String> sites = new ArrayList<>(ss.size());
        for (Site s : ss) {
            List<String> slots = new ArrayList<>();
            for (List<Slot> part : List.of(s.locals, s.stack)) {
                for (Slot sl : part) {
                    switch (sl.kind) {
                        case NULL -> {
                        }
                        case INT -> slots.add("I");
                        case FLOAT -> slots.add("F");
                        case LONG -> slots.add("J");
                        case DOUBLE -> slots.add("D");
                        case REF -> slots.add(sl.type.getDescriptor());
                    }
                }
            }
            sites.add(Abi.siteLayout(slots, s.kind == SiteKind.CALL ? s.result.getDescriptor() : null));
        }
        return Abi.layouts(sites);
    }

    /** The prologue of a method with no suspension point: only the caller handshake. */
    private void weaveLeaf() {
        InsnList pro = new InsnList();
        pro.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CTX, Abi.CTX_CURRENT, Abi.CTX_CURRENT_DESC, false));
        pro.add(new LdcInsnNode(entryHash));
        pro.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, CTX, Abi.CTX_ENTER, Abi.CTX_ENTER_DESC, false));
        pro.add(new InsnNode(Opcodes.POP));
        mn.instructions.insert(pro);
    }

    /**
     * Adds the tick points of the method (it is not {@code synchronized}): its entry, every backward
     * jump ({@code goto}: before it; conditional: on the taken edge only, after the condition
     * consumed its operands) and every switch with a backward target (before it, the key on the
     * stack). Skipped where a monitor is held, where an uninitialised object is on the stack or in
     * a live local, or where a value cannot be saved; unreachable code has none.
     */
    private void addTicks(List<Site> ss, Frame<BasicValue>[] frames, Liveness live, boolean isStatic,
            boolean thisReassigned) {
        InsnList insns = mn.instructions;
        int[] depth = Monitors.monitorDepths(mn);
        addTick(ss, SiteKind.ENTRY, null, 0, frames[0], live.liveIn(0), 0, 0, isStatic, thisReassigned);
        for (int i = 0; i < insns.size(); i++) {
            AbstractInsnNode x = insns.get(i);
            if (frames[i] == null || depth[i] > 0) {
                continue;
            }
            int op = x.getOpcode();
            if (x instanceof JumpInsnNode j && op != Opcodes.JSR) {
                int t = insns.indexOf(j.label);
                if (t > i) {
                    continue;
                }
                if (op == Opcodes.GOTO) {
                    addTick(ss, SiteKind.GOTO, x, i, frames[i], live.liveIn(i), 0, lineOf(x), isStatic, thisReassigned);
                } else {
                    int pop = op >= Opcodes.IF_ICMPEQ && op <= Opcodes.IF_ACMPNE ? 2 : 1;
                    addTick(ss, SiteKind.COND, x, i, frames[i], live.liveOnEdge(i, t), pop, lineOf(x), isStatic,
                            thisReassigned);
                }
            } else if (x instanceof TableSwitchInsnNode || x instanceof LookupSwitchInsnNode) {
                List<LabelNode> targets = new ArrayList<>();
                if (x instanceof TableSwitchInsnNode t) {
                    targets.add(t.dflt);
                    targets.addAll(t.labels);
                } else {
                    LookupSwitchInsnNode t = (LookupSwitchInsnNode) x;
                    targets.add(t.dflt);
                    targets.addAll(t.labels);
                }
                for (LabelNode l : targets) {
                    if (insns.indexOf(l) <= i) {
                        addTick(ss, SiteKind.SWITCH, x, i, frames[i], live.liveIn(i), 0, lineOf(x), isStatic,
                                thisReassigned);
                        break;
                    }
                }
            }
        }
    }

    private void addTick(List<Site> ss, SiteKind kind, AbstractInsnNode x, int pos, Frame<BasicValue> f,
            BitSet liveLocals, int pop, int line, boolean isStatic, boolean thisReassigned) {
        if (f == null) {
            return;
        }
        Site s = new Site();
        s.kind = kind;
        s.insn = x;
        s.pos = pos;
        s.line = kind == SiteKind.ENTRY ? firstLine() : line;
        try {
            for (int l = 0; l < f.getLocals(); l++) {
                if (l == 0 && !isStatic && !thisReassigned || !liveLocals.get(l)) {
                    continue;
                }
                BasicValue v = f.getLocal(l);
                if (v instanceof TypeVerifier.Uninit) {
                    return;
                }
                Slot slot = slot(l, v, x, false);
                if (slot != null) {
                    s.locals.add(slot);
                }
            }
            for (int j = 0; j < f.getStackSize() - pop; j++) {
                BasicValue v = f.getStack(j);
                if (v instanceof TypeVerifier.Uninit) {
                    return;
                }
                s.stack.add(slot(-1, v, x, true));
            }
        } catch (TransformException e) {
            return; // a value that cannot be saved: no tick point here
        }
        for (Slot sl : s.locals) {
            count(s, sl);
        }
        for (Slot sl : s.stack) {
            count(s, sl);
        }
        ss.add(s);
    }

    /**
     * A tick point: {@code if (ctx.timed && --ctx.ticks < 0) { Preemption.expired(d); if
     * (ctx.unwinding) goto UNWIND; }}, with the resume point (which discards
     * {@code ctx.resumeValue()}) inside it. {@code timed} is tested first so that untimed loops
     * write no memory: the JIT then hoists the test and keeps unrolling and vectorising them.
     */
    private static InsnList tickCode(Site s, int ctx, int d) {
        InsnList l = new InsnList();
        LabelNode cont = new LabelNode();
        LabelNode check = new LabelNode();
        l.add(new VarInsnNode(Opcodes.ALOAD, ctx));
        l.add(new FieldInsnNode(Opcodes.GETFIELD, CTX, Abi.CTX_TIMED, Abi.CTX_TIMED_DESC));
        l.add(new JumpInsnNode(Opcodes.IFEQ, cont));
        l.add(new VarInsnNode(Opcodes.ALOAD, ctx));
        l.add(new InsnNode(Opcodes.DUP));
        l.add(new FieldInsnNode(Opcodes.GETFIELD, CTX, Abi.CTX_TICKS, Abi.CTX_TICKS_DESC));
        l.add(new InsnNode(Opcodes.LCONST_1));
        l.add(new InsnNode(Opcodes.LSUB));
        l.add(new InsnNode(Opcodes.DUP2_X1));
        l.add(new FieldInsnNode(Opcodes.PUTFIELD, CTX, Abi.CTX_TICKS, Abi.CTX_TICKS_DESC));
        l.add(new InsnNode(Opcodes.LCONST_0));
        l.add(new InsnNode(Opcodes.LCMP));
        l.add(new JumpInsnNode(Opcodes.IFGE, cont));
        l.add(new VarInsnNode(Opcodes.ILOAD, d));
        l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, PREEMPTION, Abi.PREEMPTION_EXPIRED, Abi.PREEMPTION_EXPIRED_DESC, false));
        l.add(new JumpInsnNode(Opcodes.GOTO, check));
        l.add(s.resume);
        l.add(new VarInsnNode(Opcodes.ALOAD, ctx));
        l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, CTX, Abi.CTX_RESUME_VALUE, Abi.CTX_RESUME_VALUE_DESC, false));
        l.add(new InsnNode(Opcodes.POP));
        l.add(check);
        l.add(new VarInsnNode(Opcodes.ALOAD, ctx));
        l.add(new FieldInsnNode(Opcodes.GETFIELD, CTX, Abi.CTX_UNWINDING, Abi.CTX_UNWINDING_DESC));
        l.add(new JumpInsnNode(Opcodes.IFNE, s.unwind));
        l.add(cont);
        return l;
    }

    private static int invert(int op) {
        return switch (op) {
            case Opcodes.IFNULL -> Opcodes.IFNONNULL;
            case Opcodes.IFNONNULL -> Opcodes.IFNULL;
            // IFEQ/IFNE, IFLT/IFGE, IFGT/IFLE and the IF_ICMPxx, IF_ACMPxx pairs are adjacent opcodes
            // whose first member is odd.
            default -> (op & 1) == 1 ? op + 1 : op - 1;
        };
    }

    /** The method's first line-number entry if no instruction precedes it, else null. */
    private LineNumberNode firstLineBeforeCode() {
        for (AbstractInsnNode x : mn.instructions) {
            if (x instanceof LineNumberNode ln) {
                return ln;
            }
            if (x.getOpcode() >= 0) {
                return null;
            }
        }
        return null;
    }

    private int firstLine() {
        for (AbstractInsnNode x : mn.instructions) {
            if (x instanceof LineNumberNode ln) {
                return ln.line;
            }
        }
        return 0;
    }

    private Slot slot(int local, BasicValue v, AbstractInsnNode at, boolean onStack) throws TransformException {
        Type t = v.getType();
        if (t == null || v == BasicValue.UNINITIALIZED_VALUE) {
            if (onStack) {
                throw failure(cn.name, mn.name, lineOf(at), "an unusable value is on the operand stack at a suspendable call");
            }
            return null;
        }
        switch (t.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
            case Type.SHORT:
            case Type.INT:
                return new Slot(local, Kind.INT, Type.INT_TYPE);
            case Type.FLOAT:
                return new Slot(local, Kind.FLOAT, t);
            case Type.LONG:
                return new Slot(local, Kind.LONG, t);
            case Type.DOUBLE:
                return new Slot(local, Kind.DOUBLE, t);
            case Type.ARRAY:
                return new Slot(local, Kind.REF, t);
            case Type.OBJECT:
                return t.getInternalName().equals("null") ? new Slot(local, Kind.NULL, t) : new Slot(local, Kind.REF, t);
            default:
                throw failure(cn.name, mn.name, lineOf(at),
                        "unsupported value (" + t + ") live across a suspendable call (JSR/RET subroutines are not supported)");
        }
    }

    private static void count(Site s, Slot sl) {
        switch (sl.kind) {
            case REF -> s.nRefs++;
            case NULL -> {
            }
            default -> s.nPrims++;
        }
    }

    private int alloc(Slot sl) {
        return allocN(sl.kind == Kind.LONG || sl.kind == Kind.DOUBLE ? 2 : 1);
    }

    private int allocN(int n) {
        int v = nextLocal;
        nextLocal += n;
        maxLocal = Math.max(maxLocal, nextLocal);
        return v;
    }

    private static int storeOp(Kind k) {
        return switch (k) {
            case REF, NULL -> Opcodes.ASTORE;
            case INT -> Opcodes.ISTORE;
            case FLOAT -> Opcodes.FSTORE;
            case LONG -> Opcodes.LSTORE;
            case DOUBLE -> Opcodes.DSTORE;
        };
    }

    private static int loadOp(Kind k) {
        return storeOp(k) - (Opcodes.ISTORE - Opcodes.ILOAD);
    }

    private static void save(InsnList l, Slot sl, int var, int refsVar, int primsVar, int[] ri, int[] pi) {
        switch (sl.kind) {
            case NULL -> {
            }
            case REF -> {
                l.add(new VarInsnNode(Opcodes.ALOAD, refsVar));
                l.add(iconst(ri[0]++));
                l.add(new VarInsnNode(Opcodes.ALOAD, var));
                l.add(new InsnNode(Opcodes.AASTORE));
            }
            default -> {
                l.add(new VarInsnNode(Opcodes.ALOAD, primsVar));
                l.add(iconst(pi[0]++));
                l.add(new VarInsnNode(loadOp(sl.kind), var));
                switch (sl.kind) {
                    case INT -> l.add(new InsnNode(Opcodes.I2L));
                    case FLOAT -> {
                        l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false));
                        l.add(new InsnNode(Opcodes.I2L));
                    }
                    case DOUBLE -> l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false));
                    default -> {
                    }
                }
                l.add(new InsnNode(Opcodes.LASTORE));
            }
        }
    }

    private static void load(InsnList l, Slot sl, int refsVar, int primsVar, int[] ri, int[] pi) {
        switch (sl.kind) {
            case NULL -> l.add(new InsnNode(Opcodes.ACONST_NULL));
            case REF -> {
                l.add(new VarInsnNode(Opcodes.ALOAD, refsVar));
                l.add(iconst(ri[0]++));
                l.add(new InsnNode(Opcodes.AALOAD));
                if (!sl.type.getDescriptor().equals("Ljava/lang/Object;")) {
                    l.add(new TypeInsnNode(Opcodes.CHECKCAST, sl.type.getSort() == Type.ARRAY
                            ? sl.type.getDescriptor() : sl.type.getInternalName()));
                }
            }
            default -> {
                l.add(new VarInsnNode(Opcodes.ALOAD, primsVar));
                l.add(iconst(pi[0]++));
                l.add(new InsnNode(Opcodes.LALOAD));
                switch (sl.kind) {
                    case INT -> l.add(new InsnNode(Opcodes.L2I));
                    case FLOAT -> {
                        l.add(new InsnNode(Opcodes.L2I));
                        l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false));
                    }
                    case DOUBLE -> l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false));
                    default -> {
                    }
                }
            }
        }
    }

    /** Converts the Object from resumeValue() to the call's return type (pops it for void). */
    static void unbox(InsnList l, Type t) {
        String box;
        String m;
        switch (t.getSort()) {
            case Type.SHORT, Type.INT, Type.LONG, Type.FLOAT, Type.DOUBLE -> {
                // The callee may have been reached through a method reference's adapter that has no
                // frame of its own and widens the result (an int or Integer method as a long
                // interface, a char one as an int interface): the resumed value is then the callee's
                // own box, which is widened here exactly as the adapter would have (Number.xxxValue
                // of a box is the primitive widening conversion). Resume path only: no cost per call.
                // Since ReferenceBridges, only serializable method references (not bridged) and
                // classes woven before it need this; the bridges use it to convert as well.
                LabelNode number = new LabelNode();
                LabelNode done = new LabelNode();
                String d = t.getDescriptor();
                String name = switch (t.getSort()) {
                    case Type.SHORT -> "shortValue";
                    case Type.INT -> "intValue";
                    case Type.LONG -> "longValue";
                    case Type.FLOAT -> "floatValue";
                    default -> "doubleValue";
                };
                if (t.getSort() != Type.SHORT) { // char widens to int, long, float, double
                    l.add(new InsnNode(Opcodes.DUP));
                    l.add(new TypeInsnNode(Opcodes.INSTANCEOF, "java/lang/Character"));
                    l.add(new JumpInsnNode(Opcodes.IFEQ, number));
                    l.add(new TypeInsnNode(Opcodes.CHECKCAST, "java/lang/Character"));
                    l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Character", "charValue", "()C", false));
                    switch (t.getSort()) {
                        case Type.LONG -> l.add(new InsnNode(Opcodes.I2L));
                        case Type.FLOAT -> l.add(new InsnNode(Opcodes.I2F));
                        case Type.DOUBLE -> l.add(new InsnNode(Opcodes.I2D));
                        default -> { }
                    }
                    l.add(new JumpInsnNode(Opcodes.GOTO, done));
                }
                l.add(number);
                l.add(new TypeInsnNode(Opcodes.CHECKCAST, "java/lang/Number"));
                l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Number", name, "()" + d, false));
                l.add(done);
                return;
            }
            case Type.VOID -> {
                l.add(new InsnNode(Opcodes.POP));
                return;
            }
            case Type.BOOLEAN -> { box = "java/lang/Boolean"; m = "booleanValue"; }
            case Type.BYTE -> { box = "java/lang/Byte"; m = "byteValue"; }
            case Type.CHAR -> { box = "java/lang/Character"; m = "charValue"; }
            case Type.ARRAY -> {
                l.add(new TypeInsnNode(Opcodes.CHECKCAST, t.getDescriptor()));
                return;
            }
            default -> {
                if (!t.getInternalName().equals("java/lang/Object")) {
                    l.add(new TypeInsnNode(Opcodes.CHECKCAST, t.getInternalName()));
                }
                return;
            }
        }
        l.add(new TypeInsnNode(Opcodes.CHECKCAST, box));
        l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, box, m, "()" + t.getDescriptor(), false));
    }

    private static void returnDefault(InsnList l, Type ret) {
        switch (ret.getSort()) {
            case Type.VOID -> l.add(new InsnNode(Opcodes.RETURN));
            case Type.LONG -> {
                l.add(new InsnNode(Opcodes.LCONST_0));
                l.add(new InsnNode(Opcodes.LRETURN));
            }
            case Type.DOUBLE -> {
                l.add(new InsnNode(Opcodes.DCONST_0));
                l.add(new InsnNode(Opcodes.DRETURN));
            }
            case Type.FLOAT -> {
                l.add(new InsnNode(Opcodes.FCONST_0));
                l.add(new InsnNode(Opcodes.FRETURN));
            }
            case Type.OBJECT, Type.ARRAY -> {
                // A method returning a box (Integer, Long, ...) may have been called through an
                // unboxing adapter that has no frame of its own (a method reference such as
                // Jobs::boxed as an int-returning interface): the adapter unboxes whatever comes back,
                // so an unwinding frame returns a box of zero, not null. The caller discards it.
                // (Converting references that are not serializable go through a woven bridge instead,
                // see ReferenceBridges; this stays for the serializable ones.)
                String unboxed = Boxes.primitiveOf(ret.getInternalName());
                if (ret.getSort() == Type.OBJECT && unboxed != null) {
                    Type p = Type.getType(unboxed);
                    l.add(new InsnNode(switch (p.getSort()) {
                        case Type.LONG -> Opcodes.LCONST_0;
                        case Type.FLOAT -> Opcodes.FCONST_0;
                        case Type.DOUBLE -> Opcodes.DCONST_0;
                        default -> Opcodes.ICONST_0;
                    }));
                    l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, ret.getInternalName(), "valueOf",
                            "(" + unboxed + ")" + ret.getDescriptor(), false));
                } else {
                    l.add(new InsnNode(Opcodes.ACONST_NULL));
                }
                l.add(new InsnNode(Opcodes.ARETURN));
            }
            default -> {
                l.add(new InsnNode(Opcodes.ICONST_0));
                l.add(new InsnNode(Opcodes.IRETURN));
            }
        }
    }

    static AbstractInsnNode iconst(int v) {
        if (v >= -1 && v <= 5) {
            return new InsnNode(Opcodes.ICONST_0 + v);
        }
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            return new IntInsnNode(Opcodes.BIPUSH, v);
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return new IntInsnNode(Opcodes.SIPUSH, v);
        }
        return new LdcInsnNode(v);
    }

    /** The source line of the nearest line entry before {@code x}, or 0. */
    static int lineOf(AbstractInsnNode x) {
        for (AbstractInsnNode p = x; p != null; p = p.getPrevious()) {
            if (p instanceof LineNumberNode ln) {
                return ln.line;
            }
        }
        return 0;
    }

    /**
     * Moves {@code NEW}/{@code DUP} pairs whose constructor arguments contain a suspendable call
     * after those arguments (see the class comment).
     */
    private void moveNews(List<MethodInsnNode> sites) throws TransformException {
        boolean any = false;
        for (AbstractInsnNode x : mn.instructions) {
            if (x.getOpcode() == Opcodes.NEW) {
                any = true;
                break;
            }
        }
        if (!any || sites.isEmpty()) {
            return;
        }
        Frame<SourceValue>[] frames;
        try {
            frames = new Analyzer<>(new SourceInterpreter()).analyze(cn.name, mn);
        } catch (AnalyzerException e) {
            throw failure(cn.name, mn.name, lineOf(e.node), "cannot analyse the method: " + e.getMessage());
        }
        InsnList insns = mn.instructions;
        record Pair(TypeInsnNode nw, AbstractInsnNode dup, MethodInsnNode init) {
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < insns.size(); i++) {
            AbstractInsnNode x = insns.get(i);
            if (!(x instanceof MethodInsnNode m) || m.getOpcode() != Opcodes.INVOKESPECIAL || !m.name.equals("<init>")) {
                continue;
            }
            Frame<SourceValue> f = frames[i];
            if (f == null) {
                continue;
            }
            int nargs = Type.getArgumentTypes(m.desc).length;
            SourceValue recv = f.getStack(f.getStackSize() - nargs - 1);
            if (recv.insns.size() != 1) {
                continue;
            }
            AbstractInsnNode src = recv.insns.iterator().next();
            TypeInsnNode nw = null;
            AbstractInsnNode dup = null;
            if (src.getOpcode() == Opcodes.NEW) {
                nw = (TypeInsnNode) src;
            } else if (src.getOpcode() == Opcodes.DUP) {
                AbstractInsnNode p = src.getPrevious();
                while (p != null && p.getOpcode() < 0) {
                    p = p.getPrevious();
                }
                if (p != null && p.getOpcode() == Opcodes.NEW) {
                    nw = (TypeInsnNode) p;
                    dup = src;
                }
            }
            if (nw == null) {
                continue;
            }
            int a = insns.indexOf(nw);
            for (MethodInsnNode s : sites) {
                int si = insns.indexOf(s);
                if (si > a && si < i) {
                    pairs.add(new Pair(nw, dup, m));
                    break;
                }
            }
        }
        for (Pair p : pairs) {
            Type[] args = Type.getArgumentTypes(p.init.desc);
            int[] vars = new int[args.length];
            InsnList l = new InsnList();
            for (int j = args.length - 1; j >= 0; j--) {
                vars[j] = allocN(args[j].getSize());
                l.add(new VarInsnNode(args[j].getOpcode(Opcodes.ISTORE), vars[j]));
            }
            l.add(new TypeInsnNode(Opcodes.NEW, p.nw.desc));
            if (p.dup != null) {
                l.add(new InsnNode(Opcodes.DUP));
            }
            for (int j = 0; j < args.length; j++) {
                l.add(new VarInsnNode(args[j].getOpcode(Opcodes.ILOAD), vars[j]));
            }
            insns.insertBefore(p.init, l);
            insns.remove(p.nw);
            if (p.dup != null) {
                insns.remove(p.dup);
            }
        }
        if (!pairs.isEmpty()) {
            nextLocal = maxLocal;
            mn.maxLocals = maxLocal;
        }
    }
}
