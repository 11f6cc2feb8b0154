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
 * <li>The frame store is a stack of pooled {@link Frame}s, innermost on top. Frames saved by one
 *     unwinding are pushed innermost first, so when the unwinding reaches the trampoline the
 *     segment pushed since {@link #suspend} is reversed in place (its length is the number of frames
 *     that ran since the last resume, not the stack depth).</li>
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

    private final TaskletBody body;
    private final StrandEntry entry;
    /**
     * Empty until the first suspension (a tasklet that ends without switching never allocates it),
     * then two: a tasklet parked in send/receive saves two frames, and a million parked tasklets is
     * the case to keep small.
     */
    private Frame[] frames = NO_FRAMES;
    private static final Frame[] NO_FRAMES = new Frame[0];
    private int count;
    private int unwindBase;
    private boolean started;
    private boolean done;
    private boolean discarded;
    Resumption k;

    /** A new soft strand; {@code body} must be woven. */
    public SoftStrand(TaskletBody body, StrandEntry entry) {
        this.body = body;
        this.entry = entry;
    }

    @Override
    public void resume() {
        if (done || discarded) {
            throw new IllegalStateException(done ? "strand has ended" : "strand was discarded");
        }
        SoftContext c = SoftContext.current();
        FrameStore prev = c.strand;
        c.strand = this;
        c.unwinding = false;
        try {
            if (!started) {
                start(c);
            } else {
                rewind(c);
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
        started = true;
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
        if (c.unwinding && error == null) {
            unwound(c);
        } else {
            finish(error);
        }
    }

    private void rewind(SoftContext c) {
        c.resumeKind = SoftContext.RESUME_K;
        while (count > 0) {
            Frame f = frames[count - 1];
            c.rewinding = true;
            Object v;
            try {
                MethodInfo mi = f.info;
                Reentry d = mi.dispatcher();
                v = d != null ? d.reenter(mi.dispatcherIndex(), f.self) : mi.reentry().invokeExact(f.self);
            } catch (Throwable t) {
                c.rewinding = false;
                if (count > 0) {
                    completeTrace(t);
                }
                c.resumeKind = SoftContext.RESUME_THROW;
                c.resumeThrown = t;
                continue;
            }
            if (c.unwinding) {
                unwound(c);
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
        StackTraceElement outermost = frames[0].stackTraceElement();
        StackTraceElement last = st[cut - 1 < 0 ? 0 : cut - 1];
        if (cut > 0 && last.getClassName().equals(outermost.getClassName())
                && last.getMethodName().equals(outermost.getMethodName()) && last.getLineNumber() == outermost.getLineNumber()
                && cut == rewind) {
            return; // completed already
        }
        StackTraceElement[] r = new StackTraceElement[cut + count + st.length - rewind];
        System.arraycopy(st, 0, r, 0, cut);
        for (int i = 0; i < count; i++) {
            r[cut + i] = frames[count - 1 - i].stackTraceElement();
        }
        System.arraycopy(st, rewind, r, cut + count, st.length - rewind);
        t.setStackTrace(r);
    }

    /** The frames saved by this unwinding were pushed innermost first: put the innermost on top. */
    private void unwound(SoftContext c) {
        c.unwinding = false;
        Frame[] fs = frames;
        for (int i = unwindBase, j = count - 1; i < j; i++, j--) {
            Frame t = fs[i];
            fs[i] = fs[j];
            fs[j] = t;
        }
    }

    private void finish(Throwable error) {
        done = true;
        dropFrames();
        k = null;
        entry.end(error);
    }

    private void dropFrames() {
        for (int i = 0; i < count; i++) {
            frames[i].release();
            frames[i].info = null;
        }
        count = 0;
        frames = NO_FRAMES; // shared: an ended strand allocates nothing more (16 B per tasklet)
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
        this.k = k;
        unwindBase = count;
        c.unwinding = true;
        return null;
    }

    @Override
    public Frame push(MethodInfo info, Object self, int site, int nRefs, int nPrims) {
        if (count == frames.length) {
            frames = count == 0 ? new Frame[2] : java.util.Arrays.copyOf(frames, Math.max(4, count * 2));
        }
        Frame f = frames[count];
        if (f == null) {
            f = new Frame();
            frames[count] = f;
        }
        count++;
        f.set(info, self, site, nRefs, nPrims);
        return f;
    }

    @Override
    public Frame pop() {
        return frames[--count];
    }

    @Override
    public Object resumed() {
        Resumption r = k;
        k = null;
        return r == null ? null : r.resumed();
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public boolean isSoft() {
        return true;
    }

    @Override
    public boolean isRestorable() {
        return true;
    }

    @Override
    public void discard() {
        if (!done) {
            discarded = true;
            dropFrames();
            k = null;
        }
    }

    @Override
    public int frameDepth() {
        return count;
    }

    @Override
    public StackTraceElement[] suspendedStackTrace() {
        StackTraceElement[] r = new StackTraceElement[count];
        for (int i = 0; i < count; i++) {
            r[i] = frames[count - 1 - i].stackTraceElement();
        }
        return r;
    }

    // ---------------------------------------------------------------- pickling accessors

    /** For pickling: true once the body has started (frames may then be saved). */
    public boolean isStarted() {
        return started;
    }

    /** For pickling: the body this strand was made for. */
    public TaskletBody body() {
        return body;
    }

    /** For pickling: what the suspending primitive's caller gets when re-entered (null if none). */
    public Resumption resumption() {
        return k;
    }

    /** For pickling: a copy of the saved frames, outermost first (valid while suspended). */
    public Frame[] savedFrames() {
        return java.util.Arrays.copyOf(frames, count);
    }

    /**
     * For unpickling: a started strand suspended with {@code saved} (outermost first); resuming it
     * re-enters the innermost frame, whose suspending call returns {@code k.resumed()}.
     */
    public static SoftStrand restored(TaskletBody body, StrandEntry entry, Frame[] saved, Resumption k) {
        SoftStrand s = new SoftStrand(body, entry);
        s.frames = saved.length == 0 ? new Frame[4] : saved.clone();
        s.count = saved.length;
        s.started = true;
        s.k = k;
        return s;
    }
}
