package org.jstackless.internal.soft.runtime;

import org.jstackless.TaskletBody;
import org.jstackless.internal.soft.Boundary;
import org.jstackless.internal.soft.Frame;
import org.jstackless.internal.soft.FrameStore;
import org.jstackless.internal.soft.MethodInfo;
import org.jstackless.internal.soft.Preemption;
import org.jstackless.internal.soft.Reentry;
import org.jstackless.internal.soft.SoftContext;
import org.jstackless.internal.switching.Resumption;
import org.jstackless.internal.switching.Strand;
import org.jstackless.internal.switching.StrandEntry;

/**
 * A strand whose woven frames unwind to a heap frame store by returning, and are re-entered lazily.
 *
 * <p>Algorithm.
 * <ul>
 * <li>{@link #suspend}: records the resumption {@code k}, sets the thread context's
 *     {@code unwinding} flag and returns null. Every woven frame between the primitive and the
 *     trampoline then saves itself ({@link #push}) and returns; the innermost saves first.</li>
 * <li>The frame store is a stack of saved frames, innermost on top: the two outermost in the
 *     strand's own fields (inline when they save no values, so a tasklet parked in a channel
 *     operation is one object), the rest pooled {@link Frame}s in an array (see the fields).
 *     Frames saved by one unwinding are pushed innermost first, so when the unwinding reaches the
 *     trampoline the segment pushed since {@link #suspend} is reversed in place (its length is the
 *     number of frames that ran since the last resume, not the stack depth).</li>
 * <li>{@link #resume} (lazy rewind): re-enters only the top frame, through its class's re-entry
 *     dispatcher ({@link Reentry}; a method handle for frames bootstrapped without one, e.g. by
 *     unpickling); the woven entry pops it, restores its live values and jumps to the call site, where
 *     the call's result is {@code k.resumed()}. When a re-entered frame returns {@code v} (or throws
 *     {@code e}), the next frame is re-entered with {@code v} as its call's result (or {@code e}
 *     raised at its call site). A frame that did not run since the last suspension is never
 *     unwound or rewound again, so a switch costs the same at any stack depth.</li>
 * <li>Frames that cannot unwind: the switching primitives refuse, before they change anything,
 *     a switch whose chain token says that a frame between this strand's entry and the switch is
 *     not a woven method entered from a woven call site ({@link SoftContext#checkUnwind}); a tick
 *     point in such a place defers the preemption ({@link Preemption#expired(int)}). So
 *     {@link #suspend} is only reached when every frame can unwind.</li>
 * </ul>
 */
public final class SoftStrand extends Strand implements FrameStore {
    /** The weaver's hash of {@code run()V}: the body is entered as a woven call site would. */
    private static final int RUN_HASH = SoftContext.hash("run", "()V");

    static {
        RuntimeHooks.install(); // before any soft strand runs
    }

    /** Frames with no saved values whose site is below this are held in the strand's own fields. */
    private static final int INLINE_SITES = 256;
    /**
     * What {@link #pop} hands woven code for a frame held inline: the restore code of a frame with
     * no saved values reads only {@link Frame#site} and calls {@link Frame#release()}, which writes
     * nothing to a frame that holds nothing, so one shared frame per site serves every thread.
     */
    private static final Frame[] SLOTLESS = new Frame[INLINE_SITES];
    private static final Frame[] NO_FRAMES = new Frame[0];

    static {
        for (int i = 0; i < INLINE_SITES; i++) {
            SLOTLESS[i] = new Frame();
            SLOTLESS[i].site = i;
        }
    }

    private static final int COUNT_MASK = (1 << 28) - 1;
    private static final int STARTED = 1 << 28;
    private static final int DONE = 1 << 29;
    private static final int DISCARDED = 1 << 30;
    /**
     * An exception escaped the frames while they were unwinding ({@link #failed}): the strand stays
     * where its switch put it, holds no frames, and {@link #bodyOrK} is a {@link Failure}; it ends
     * with that failure's error when it is next resumed.
     */
    private static final int FAILED = 1 << 31;

    /** What a strand whose unwinding failed holds until it is resumed: the switch's resumption and the error. */
    private record Failure(Resumption k, IllegalStateException error) {
    }

    private final StrandEntry entry;
    /**
     * Before the body starts: the body (what pickling an unstarted strand writes). Once it runs:
     * the resumption of the last suspension ({@code k}), claimed once by the re-entered top frame,
     * else null. The body is not needed once it has started: its frames hold what it uses.
     */
    private Object bodyOrK;
    /*
     * The frame store: a stack of saved frames, outermost (cell 0) first, innermost on top. A leaf
     * tasklet parked in send/receive saves one or two frames with no values (a million parked
     * tasklets is the case to keep small), so cells 0 and 1 are fields of the strand and cells 2..
     * are more[i - 2]. Cell i < 2 is one of:
     *   inline: infoI != null: a frame with no saved values, receiver objI, site in sites (cell 0
     *           the low 16 bits, cell 1 the high ones);
     *   boxed:  infoI == null, objI a Frame (pooled: kept after its pop, reused by the next push);
     *   empty:  both null.
     * Cells at or above the count are empty or pooled frames. A frame with saved values, or a
     * site of INLINE_SITES or more, is boxed; a push at a cell that holds a pooled frame reuses it,
     * so a strand that switches in a loop allocates nothing in the steady state.
     */
    private MethodInfo info0;
    private MethodInfo info1;
    private Object obj0;
    private Object obj1;
    private int sites;
    /** Cells 2.. (empty until a third frame is saved). */
    private Frame[] more = NO_FRAMES;
    /** The number of saved frames (below {@link #COUNT_MASK}) and the STARTED, DONE, DISCARDED, FAILED bits. */
    private int state;

    /** A new soft strand; {@code body} must be woven. */
    public SoftStrand(TaskletBody body, StrandEntry entry) {
        this.bodyOrK = body;
        this.entry = entry;
    }

    private int count() {
        return state & COUNT_MASK;
    }

    private MethodInfo info(int i) {
        return i == 0 ? info0 : info1;
    }

    private Object obj(int i) {
        return i == 0 ? obj0 : obj1;
    }

    private int site(int i) {
        return i == 0 ? sites & 0xFFFF : sites >>> 16;
    }

    /** Sets cell {@code i} (below 2): inline when {@code mi} is not null, else boxed ({@code o} a Frame) or empty. */
    private void cell(int i, MethodInfo mi, Object o, int site) {
        if (i == 0) {
            info0 = mi;
            obj0 = o;
            sites = (sites & 0xFFFF0000) | site;
        } else {
            info1 = mi;
            obj1 = o;
            sites = (sites & 0xFFFF) | (site << 16);
        }
    }

    /** The frame object of cell {@code i}, or null when the cell is inline or empty. */
    private Frame boxed(int i) {
        return i >= 2 ? more[i - 2] : info(i) == null ? (Frame) obj(i) : null;
    }

    private static boolean inlinable(int nRefs, int nPrims, int site) {
        return (nRefs | nPrims) == 0 && site >= 0 && site < INLINE_SITES;
    }

    private StackTraceElement element(int i) {
        Frame f = boxed(i);
        return f != null ? f.stackTraceElement() : info(i).stackTraceElement(site(i));
    }

    @Override
    public void resume() {
        int st = state;
        if ((st & (DONE | DISCARDED)) != 0) {
            throw new IllegalStateException((st & DONE) != 0 ? "strand has ended" : "strand was discarded");
        }
        SoftContext c = SoftContext.current();
        FrameStore prev = c.strand;
        c.strand = this;
        c.unwinding = false;
        try {
            if ((st & STARTED) == 0) {
                start(c);
            } else if ((st & FAILED) == 0) {
                rewind(c);
            } else {
                endFailed();
            }
        } finally {
            c.strand = prev;
            c.unwinding = false;
            c.rewinding = false;
            c.resumeValue = null;
            c.resumeThrown = null;
        }
    }

    @Boundary
    private void start(SoftContext c) {
        TaskletBody body = (TaskletBody) bodyOrK;
        bodyOrK = null;
        state |= STARTED;
        try {
            entry.begin();
        } catch (Throwable t) {
            finish(t);
            return;
        }
        Throwable error = null;
        c.expect = RUN_HASH;
        try {
            body.run();
        } catch (Throwable t) {
            error = t;
        }
        if (!c.unwinding) {
            finish(error);
        } else if (error == null) {
            unwound(c, 0);
        } else {
            failed(c, error);
        }
    }

    private void rewind(SoftContext c) {
        c.resumeKind = SoftContext.RESUME_K;
        int n;
        while ((n = count()) > 0) {
            // The top frame's method and receiver; its woven entry pops it, so frames saved if it
            // suspends again start at cell n - 1.
            int top = n - 1;
            MethodInfo mi;
            Object self;
            Frame f = boxed(top);
            if (f != null) {
                mi = f.info;
                self = f.self;
            } else {
                mi = info(top);
                self = obj(top);
            }
            c.rewinding = true;
            Object v;
            try {
                Reentry d = mi.dispatcher();
                v = d != null ? d.reenter(mi.dispatcherIndex(), self) : mi.reentry().invokeExact(self);
            } catch (Throwable t) {
                c.rewinding = false;
                if (c.unwinding) {
                    failed(c, t);
                    return;
                }
                if (count() > 0) {
                    completeTrace(t);
                }
                c.resumeKind = SoftContext.RESUME_THROW;
                c.resumeThrown = t;
                continue;
            }
            if (c.unwinding) {
                unwound(c, top);
                return;
            }
            c.resumeKind = SoftContext.RESUME_VALUE;
            c.resumeValue = v;
        }
        finish(c.resumeKind == SoftContext.RESUME_THROW ? c.resumeThrown : null);
    }

    /**
     * Completes the stack trace of {@code t}, thrown out of a re-entered frame into the saved frames
     * below it, so that it reads as on a hard tasklet: the elements from the re-entry dispatcher down
     * to the trampoline are replaced by the saved frames' call sites, innermost first. A trace
     * completed before (the same exception passing on through the next frame) already has the
     * outermost saved frame right above the trampoline and is left alone. Runs only when an
     * exception crosses a re-entered frame.
     */
    private void completeTrace(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        int rewind = -1;
        for (int i = 0; i < st.length; i++) {
            if (st[i].getMethodName().equals("rewind") && st[i].getClassName().equals(SoftStrand.class.getName())) {
                rewind = i;
                break;
            }
        }
        if (rewind <= 0) {
            return; // no trace, or not thrown through this trampoline
        }
        int cut = rewind;
        while (cut > 0 && (st[cut - 1].getMethodName().equals(Reentry.DISPATCHER)
                || st[cut - 1].getClassName().startsWith("java.lang.invoke.")
                || st[cut - 1].getClassName().startsWith(Reentry.class.getName()))) {
            cut--;
        }
        StackTraceElement outermost = element(0);
        StackTraceElement last = st[cut - 1 < 0 ? 0 : cut - 1];
        if (cut > 0 && last.getClassName().equals(outermost.getClassName())
                && last.getMethodName().equals(outermost.getMethodName()) && last.getLineNumber() == outermost.getLineNumber()
                && cut == rewind) {
            return; // completed already
        }
        int count = count();
        StackTraceElement[] r = new StackTraceElement[cut + count + st.length - rewind];
        System.arraycopy(st, 0, r, 0, cut);
        for (int i = 0; i < count; i++) {
            r[cut + i] = element(count - 1 - i);
        }
        System.arraycopy(st, rewind, r, cut + count, st.length - rewind);
        t.setStackTrace(r);
    }

    /**
     * The frames saved by this unwinding, cells {@code base} and up, were pushed innermost first:
     * put the innermost on top. A frame held inline in cell 0 or 1 that moves to cell 2 or above
     * needs a frame object there: those are made first, so that a failed allocation leaves the
     * store as it was.
     */
    private void unwound(SoftContext c, int base) {
        c.unwinding = false;
        int last = count() - 1;
        Frame spare0 = needsSpare(0, base, last) ? new Frame() : null;
        Frame spare1 = needsSpare(1, base, last) ? new Frame() : null;
        for (int i = base, j = last; i < j; i++, j--) {
            swap(i, j, i == 0 ? spare0 : spare1);
        }
    }

    /** True when the reversal of cells base..last moves inline cell {@code i} onto a frame that cannot be inlined. */
    private boolean needsSpare(int i, int base, int last) {
        int j = base + last - i;
        if (i < base || i >= j || j < 2 || info(i) == null) {
            return false;
        }
        Frame g = more[j - 2];
        return !inlinable(g.nRefs(), g.nPrims(), g.site);
    }

    private void swap(int i, int j, Frame spare) {
        if (i >= 2) {
            Frame[] m = more;
            Frame t = m[i - 2];
            m[i - 2] = m[j - 2];
            m[j - 2] = t;
        } else if (j < 2) { // cells 0 and 1: swap what they hold, inline or boxed
            MethodInfo mi = info0;
            info0 = info1;
            info1 = mi;
            Object o = obj0;
            obj0 = obj1;
            obj1 = o;
            sites = (sites >>> 16) | (sites << 16);
        } else {
            Frame g = more[j - 2];
            MethodInfo mi = info(i);
            if (mi == null) { // boxed (a cell being reversed is not empty)
                more[j - 2] = (Frame) obj(i);
                cell(i, null, g, 0);
            } else if (inlinable(g.nRefs(), g.nPrims(), g.site)) {
                Object self = obj(i);
                int site = site(i);
                cell(i, g.info, g.self, g.site);
                g.set(mi, self, site, 0, 0);
            } else {
                spare.set(mi, obj(i), site(i), 0, 0);
                more[j - 2] = spare;
                cell(i, null, g, 0);
            }
        }
    }

    /**
     * An exception escaped the frames while they were unwinding: frameless code between two woven
     * frames (a never-woven delegate, an adapter) acted on the placeholder value an unwinding woven
     * frame returns, and threw. Woven handlers do not run while a strand unwinds (each rethrows), so
     * nothing of the tasklet ran after the switch; but the frames from the one that threw down to the
     * trampoline are lost, so the tasklet cannot go on from its switch. The switch itself was made
     * (the tasklet sits in the queue it chose, the successor is named to run next): the strand drops
     * its frames and, when it is next resumed, ends at once with a clear error, through the
     * tasklet's ordinary end (an uncaught error goes to the watchdog). Its entry is told right away
     * ({@link StrandEntry#unwindFailed}): a tasklet is taken out of what it waits on and resumed next,
     * so that no partner hands it a value and the error is reported at once. Nothing else is disturbed.
     */
    private void failed(SoftContext c, Throwable t) {
        c.unwinding = false;
        dropFrames();
        Resumption k = bodyOrK instanceof Resumption r ? r : null;
        bodyOrK = new Failure(k, new IllegalStateException(failureMessage(t), t));
        state |= FAILED;
        entry.unwindFailed(this); // the concept makes it take effect at once (a tasklet: FailedSwitch)
    }

    private static String failureMessage(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        String where = st.length > 0 ? st[0].toString() : "(no stack trace)";
        return "a soft tasklet could not switch: while its frames were unwinding to the heap, the code at " + where
                + " threw " + t + ". That frame sits between two woven frames without being woven itself (a "
                + "class that was never woven implementing or delegating to a suspendable method, or a method "
                + "reference's adapter) and acted on the placeholder value an unwinding woven frame returns. The "
                + "frames below it could not be saved, so the tasklet ended with this error instead of going on "
                + "from its switch (taken out of whatever it waited on); the scheduler and the other tasklets are not affected. Fix: weave that class (the "
                + "jstackless-maven-plugin's weave goals, or -javaagent:jstackless-agent.jar), or run this tasklet "
                + "hard (Stackless.enableSoftSwitch(false) before creating it).";
    }

    /**
     * Resumed after {@link #failed}: the switch's resumption runs first, so a bomb put into the
     * tasklet meanwhile (kill, throwInto) is honoured and ends it as asked (the failure is added to it
     * as suppressed); else the tasklet ends with the failure's error.
     */
    private void endFailed() {
        Failure f = (Failure) bodyOrK;
        bodyOrK = null;
        state &= ~FAILED;
        Throwable error = f.error();
        if (f.k() != null) {
            try {
                f.k().resumed();
            } catch (Throwable bomb) {
                if (bomb != error) {
                    bomb.addSuppressed(error);
                }
                error = bomb;
            }
        }
        finish(error);
    }

    /** The error a strand whose unwinding failed will end with, or null (see {@link #failed}). */
    public IllegalStateException failure() {
        return (state & FAILED) != 0 ? ((Failure) bodyOrK).error() : null;
    }

    private void finish(Throwable error) {
        state |= DONE;
        dropFrames();
        bodyOrK = null;
        entry.end(error);
    }

    private void dropFrames() {
        for (int i = 0, n = count(); i < n; i++) {
            Frame f = boxed(i);
            if (f != null) {
                f.release();
                f.info = null;
            }
        }
        info0 = null;
        info1 = null;
        obj0 = null;
        obj1 = null;
        sites = 0;
        more = NO_FRAMES; // shared: an ended strand allocates nothing more
        state &= ~COUNT_MASK;
    }

    @Override
    public Object suspend(Resumption k) {
        SoftContext c = SoftContext.current();
        if (c.strand != this) {
            throw new IllegalStateException("a soft strand can only suspend itself while it runs");
        }
        if (c.expect != 0) {
            // A primitive that did not call SoftContext.checkUnwind() first: still never unwind
            // through a frame that cannot be saved.
            throw Refusal.explicitSwitch();
        }
        this.bodyOrK = k;
        c.unwinding = true;
        return null;
    }

    @Override
    public Frame push(MethodInfo info, Object self, int site, int nRefs, int nPrims) {
        int n = count();
        Frame f;
        if (n < 2) {
            Object o = obj(n);
            if (info(n) == null && o != null) {
                f = (Frame) o; // pooled
            } else if (inlinable(nRefs, nPrims, site)) {
                cell(n, info, self, site);
                state++;
                return SLOTLESS[site]; // woven code saves nothing into it
            } else {
                f = new Frame();
                cell(n, null, f, 0);
            }
        } else {
            Frame[] m = more;
            int j = n - 2;
            if (j == m.length) {
                m = java.util.Arrays.copyOf(m, Math.max(2, j * 2));
                more = m;
            }
            f = m[j];
            if (f == null) {
                f = new Frame();
                m[j] = f;
            }
        }
        f.set(info, self, site, nRefs, nPrims);
        state++;
        return f;
    }

    @Override
    public Frame pop() {
        int n = count() - 1;
        if (n < 0) {
            throw new IllegalStateException("no saved frame to re-enter");
        }
        state--;
        if (n >= 2) {
            return more[n - 2];
        }
        if (info(n) == null) {
            return (Frame) obj(n); // boxed: stays in the cell, pooled
        }
        Frame f = SLOTLESS[site(n)];
        cell(n, null, null, 0);
        return f;
    }

    @Override
    public Object resumed() {
        Object r = bodyOrK;
        bodyOrK = null;
        return r == null ? null : ((Resumption) r).resumed();
    }

    @Override
    public boolean isDone() {
        return (state & DONE) != 0;
    }

    @Override
    public boolean isSoft() {
        return true;
    }

    @Override
    public boolean isRestorable() {
        return (state & FAILED) == 0; // a failed strand holds no frames to pickle (see #failed)
    }

    @Override
    public void discard() {
        if ((state & DONE) == 0) {
            state = (state | DISCARDED) & ~FAILED;
            dropFrames();
            if ((state & STARTED) != 0) {
                bodyOrK = null; // the resumption; an unstarted strand keeps its body
            }
        }
    }

    @Override
    public int frameDepth() {
        return count();
    }

    @Override
    public StackTraceElement[] suspendedStackTrace() {
        int count = count();
        StackTraceElement[] r = new StackTraceElement[count];
        for (int i = 0; i < count; i++) {
            r[i] = element(count - 1 - i);
        }
        return r;
    }

    // ---------------------------------------------------------------- pickling accessors

    /** For pickling: true once the body has started (frames may then be saved). */
    public boolean isStarted() {
        return (state & STARTED) != 0;
    }

    /** For pickling: the body this strand was made for, while it has not started (null after). */
    public TaskletBody body() {
        return (state & STARTED) == 0 ? (TaskletBody) bodyOrK : null;
    }

    /** For pickling: what the suspending primitive's caller gets when re-entered (null if none). */
    public Resumption resumption() {
        return (state & (STARTED | FAILED)) == STARTED ? (Resumption) bodyOrK : null;
    }

    /**
     * For pickling: the saved frames, outermost first (valid while suspended); a frame held inline
     * is given as a new frame with no values.
     */
    public Frame[] savedFrames() {
        int count = count();
        Frame[] r = new Frame[count];
        for (int i = 0; i < count; i++) {
            Frame f = boxed(i);
            r[i] = f != null ? f : Frame.restored(info(i), obj(i), site(i), new Object[0], new long[0]);
        }
        return r;
    }

    /**
     * For unpickling: a started strand suspended with {@code saved} (outermost first); resuming it
     * re-enters the innermost frame, whose suspending call returns {@code k.resumed()}.
     */
    public static SoftStrand restored(TaskletBody body, StrandEntry entry, Frame[] saved, Resumption k) {
        if (saved.length > COUNT_MASK) {
            throw new IllegalArgumentException(saved.length + " frames");
        }
        SoftStrand s = new SoftStrand(body, entry);
        for (int i = 0; i < saved.length && i < 2; i++) {
            s.cell(i, null, saved[i], 0);
        }
        if (saved.length > 2) {
            s.more = java.util.Arrays.copyOfRange(saved, 2, saved.length);
        }
        s.state = STARTED | saved.length;
        s.bodyOrK = k;
        return s;
    }
}
