package org.jstackless.internal.soft;

import org.jstackless.internal.switching.Resumption;

/**
 * The per-thread state woven code talks to: the runtime contract between the weaver and the soft
 * runtime. One instance per thread, never null, so woven code needs no null checks; when no soft
 * strand runs on the thread its flags stay false and woven code behaves exactly like the original.
 *
 * <p>What woven code does (see the weaver's {@code MethodWeaver} for the bytecode):
 * <ol>
 * <li>Entry: {@code ctx = SoftContext.current(); f = ctx.enter(H)} where {@code H} is the hash of the
 *     method's name and descriptor. A non-null {@code f} means the strand's trampoline is
 *     re-entering this method (lazy rewind): restore the live locals and operand stack from
 *     {@code f}, {@code f.release()}, and jump to the saved call site's resume point.</li>
 * <li>Before each call to a suspendable method: {@code ctx.expect = hash(callee name+descriptor)}.
 *     A woven callee whose own hash differs marks the context suspect (an unwoven frame may sit in
 *     between), which makes the next suspension verify the stack before anything unwinds.</li>
 * <li>After each such call: {@code if (ctx.unwinding)} save the live locals and the operand stack
 *     below the call's arguments into {@code ctx.push(info, this, site, nRefs, nPrims)} and return
 *     a default value. Nothing is thrown; catch and finally blocks do not run.</li>
 * <li>At every method entry and loop back-edge (a tick point, see {@link Preemption}):
 *     {@code if (ctx.timed && --ctx.ticks < 0) { Preemption.expired(); if (ctx.unwinding) save and
 *     return; }}
 *     A tick point is a suspension point with no call result: its resume point discards
 *     {@link #resumeValue()}.</li>
 * <li>The resume point of a call site (reached only from the restore code) gets the call's result
 *     from {@link #resumeValue()}, which may throw: the exception is then raised at the call site,
 *     inside the method's own try blocks.</li>
 * </ol>
 */
public final class SoftContext {
    private static final ThreadLocal<SoftContext> CURRENT = ThreadLocal.withInitial(SoftContext::new);

    /**
     * A lookup cache in front of {@link #CURRENT}, indexed by thread id: woven code fetches the
     * context at every method entry, and a {@code ThreadLocal.get()} there was a quarter of the
     * profile of a soft switch. A slot holds the context of the thread that last missed on it; a
     * context is only returned to the thread whose id it carries ({@link #owner}, final, so a slot
     * read racily by another thread is either complete or not ours). Slots are
     * {@link #SLOT_STRIDE} references apart so that threads with neighbouring ids do not write to
     * the same cache line; a collision only costs the {@code ThreadLocal} lookup.
     */
    private static final int SLOTS = 64;
    private static final int SLOT_STRIDE = 16;
    private static final SoftContext[] CACHE = new SoftContext[SLOTS * SLOT_STRIDE];

    /** Id of the thread this context belongs to. */
    private final long owner;

    static final int RESUME_K = 0;
    static final int RESUME_VALUE = 1;
    static final int RESUME_THROW = 2;

    /** True while the running soft strand's frames are unwinding to the heap. */
    public boolean unwinding;
    /** Hash of the suspendable method the last woven call site invoked. */
    public int expect;
    /**
     * Remaining tick budget of this thread (see {@link Preemption}): woven code decrements it at
     * every tick point and calls {@link Preemption#expired()} when it goes negative.
     * {@link Long#MAX_VALUE} while no timed run is active.
     */
    public long ticks = Long.MAX_VALUE;
    /**
     * True while a timed run is active on this thread ({@link #ticks} is not {@link Long#MAX_VALUE}):
     * tick points test it first and count only then, so that untimed loops stay free of memory
     * writes and the JIT can hoist the test out of them. Set with {@link #ticks} by
     * {@link Preemption#setBudget}.
     */
    public boolean timed;
    /** True when the trampoline is re-entering a saved frame: the next woven entry consumes it. */
    boolean rewinding;
    /** True when some woven entry since the last resume saw an unexpected caller. */
    boolean suspect;
    /** The soft strand running on this thread, or null. */
    SoftStrand strand;

    int resumeKind;
    Object resumeValue;
    Throwable resumeThrown;

    private SoftContext() {
        owner = Thread.currentThread().threadId();
    }

    /** This thread's context. */
    public static SoftContext current() {
        long id = Thread.currentThread().threadId();
        SoftContext c = CACHE[(int) (id & (SLOTS - 1)) * SLOT_STRIDE];
        if (c != null && c.owner == id) {
            return c;
        }
        return miss(id);
    }

    private static SoftContext miss(long id) {
        SoftContext c = CURRENT.get();
        CACHE[(int) (id & (SLOTS - 1)) * SLOT_STRIDE] = c;
        return c;
    }

    /**
     * Woven method entry. Returns the frame to restore when the trampoline is re-entering this
     * method, else null (after noting whether the caller was the expected woven call site).
     */
    public Frame enter(int hash) {
        if (rewinding) {
            rewinding = false;
            return strand.pop();
        }
        if (expect != hash) {
            suspect = true;
        }
        return null;
    }

    /**
     * Starts saving a frame of a woven method: the next free frame of the running strand, with room
     * for {@code nRefs} references and {@code nPrims} primitives.
     */
    public Frame push(MethodInfo info, Object self, int site, int nRefs, int nPrims) {
        return strand.push(info, self, site, nRefs, nPrims);
    }

    /**
     * The result of the call a re-entered frame was suspended in: the suspending primitive's
     * {@link Resumption} for the top frame, else what the frame above returned; or throws what it
     * threw.
     */
    public Object resumeValue() {
        switch (resumeKind) {
            case RESUME_K: {
                SoftStrand s = strand;
                Resumption k = s.k;
                s.k = null;
                return k == null ? null : k.resumed();
            }
            case RESUME_VALUE: {
                Object v = resumeValue;
                resumeValue = null;
                return v;
            }
            default: {
                Throwable t = resumeThrown;
                resumeThrown = null;
                throw SoftStrand.sneaky(t);
            }
        }
    }
}
