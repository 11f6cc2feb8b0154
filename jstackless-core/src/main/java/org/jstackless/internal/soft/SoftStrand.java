package org.jstackless.internal.soft;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.jstackless.TaskletBody;
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
 * <li>Unwoven frames: woven call sites announce the hash of the method they call in
 *     {@link SoftContext#expect}; a woven entry with another hash marks the context suspect. Only
 *     then does {@link #suspend} walk the frames pushed since this resume (a StackWalker walk down
 *     to the trampoline) and fail, before anything unwinds, when one of them is not woven.</li>
 * </ul>
 */
public final class SoftStrand extends Strand {
    private static final StackWalker WALKER = StackWalker.getInstance(
            EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));

    /** The weaver's hash of {@code run()V}: the body is entered as a woven call site would. */
    private static final int RUN_HASH = ("run" + "()V").hashCode();

    private final TaskletBody body;
    private final StrandEntry entry;
    /** Two to start: a tasklet parked in send/receive saves two frames, and a million parked tasklets is the case to keep small. */
    private Frame[] frames = new Frame[2];
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
        SoftStrand prev = c.strand;
        c.strand = this;
        c.suspect = false;
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
                Reentry d = mi.dispatcher;
                v = d != null ? d.reenter(mi.dispatcherIndex, f.self) : mi.reentry.invokeExact(f.self);
            } catch (Throwable t) {
                c.rewinding = false;
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
        frames = new Frame[0];
    }

    @Override
    public Object suspend(Resumption k) {
        SoftContext c = SoftContext.current();
        if (c.strand != this) {
            throw new IllegalStateException("a soft strand can only suspend itself while it runs");
        }
        if (c.suspect) {
            verifyStack();
        }
        this.k = k;
        unwindBase = count;
        c.unwinding = true;
        return null;
    }

    Frame push(MethodInfo info, Object self, int site, int nRefs, int nPrims) {
        if (count == frames.length) {
            frames = java.util.Arrays.copyOf(frames, Math.max(4, count * 2));
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

    Frame pop() {
        return frames[--count];
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

    /** The saved frames' method infos, innermost first (for tests and pickling). */
    public List<MethodInfo> savedMethods() {
        List<MethodInfo> l = new ArrayList<>(count);
        for (int i = count - 1; i >= 0; i--) {
            l.add(frames[i].info);
        }
        return l;
    }

    /**
     * Walks the frames between the suspending primitive and this strand's trampoline and fails if
     * one of them was not woven. Called only when the cheap call-site handshake saw a mismatch.
     */
    /** Classes of jstackless-core itself: same code source as this class. */
    private static final ClassValue<Boolean> IS_CORE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            var mine = SoftStrand.class.getProtectionDomain().getCodeSource();
            var theirs = c.getProtectionDomain().getCodeSource();
            return c.getPackageName().equals("org.jstackless") && mine != null && theirs != null
                    && mine.getLocation().equals(theirs.getLocation());
        }
    };

    private void verifyStack() {
        List<StackWalker.StackFrame> fs = WALKER.walk(s -> {
            List<StackWalker.StackFrame> l = new ArrayList<>();
            for (var it = s.iterator(); it.hasNext();) {
                StackWalker.StackFrame f = it.next();
                if (f.getDeclaringClass() == SoftStrand.class
                        && (f.getMethodName().equals("start") || f.getMethodName().equals("rewind"))) {
                    break;
                }
                l.add(f);
            }
            return l;
        });
        // From the trampoline up: the re-entry handle's java.lang.invoke frames (or the Reentry lambda
        // proxy and the woven class's jsl$reenter), then woven frames or lambda proxies, until the
        // first frame of the switching machinery.
        int i = fs.size() - 1;
        while (i >= 0 && fs.get(i).getClassName().startsWith("java.lang.invoke.")) {
            i--;
        }
        for (; i >= 0; i--) {
            StackWalker.StackFrame f = fs.get(i);
            Class<?> c = f.getDeclaringClass();
            String n = c.getName();
            if (n.startsWith("org.jstackless.internal.") || IS_CORE.get(c)) {
                // The switching primitive itself (Channel, Scheduler, ...): its frames only return
                // after the switch, so they may stay unwoven. Nothing above it belongs to the tasklet.
                return;
            }
            if (SoftRuntime.isWovenClass(c) || (c.isHidden() && n.contains("$$Lambda"))) {
                continue;
            }
            org.jstackless.internal.jfr.JfrHooks.switchRefused(-1, String.valueOf(f.toStackTraceElement()), false);
            throw new IllegalStateException("a soft tasklet cannot switch here: the frame "
                    + f.toStackTraceElement() + " between the tasklet's body and the switch was not woven, "
                    + "so its state would be lost. Fix: weave it (jstackless-maven-plugin / -javaagent), "
                    + "or run this tasklet hard (Stackless.enableSoftSwitch(false)).");
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
