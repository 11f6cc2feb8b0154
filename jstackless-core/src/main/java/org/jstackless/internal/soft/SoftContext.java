package org.jstackless.internal.soft;

/**
 * The per-thread state woven code talks to: the runtime contract between the weaver and the soft
 * runtime. One instance per thread, never null, so woven code needs no null checks; when no soft
 * strand runs on the thread its flags stay false and woven code behaves exactly like the original.
 *
 * <p>What woven code does (see the weaver's {@code MethodWeaver} for the bytecode):
 * <ol>
 * <li>Entry: {@code ctx = SoftContext.current(); d = ctx.enter(H)} where {@code H} is the hash of the
 *     method's name and descriptor (for a lambda, of its functional interface method). If
 *     {@code d != 0}, {@code fr = ctx.restoring()}: non-null means the strand's trampoline is
 *     re-entering this method (lazy rewind): restore the live locals and operand stack from
 *     {@code fr}, {@code fr.release()}, set {@code d = 0} and jump to the saved site's resume point.</li>
 * <li>Before each call to a suspendable method: {@code ctx.expect = hash(callee) ^ d}; when it
 *     returns: {@code ctx.expect = d}.</li>
 * <li>After each such call: {@code if (ctx.unwinding)} save the live locals and the operand stack
 *     below the call's arguments into {@code ctx.push(info, this, site, nRefs, nPrims)} and return
 *     a default value. Nothing is thrown; catch and finally blocks do not run.</li>
 * <li>At every method entry and loop back-edge (a tick point, see {@link Preemption}):
 *     {@code if (ctx.timed && --ctx.ticks < 0) { Preemption.expired(d); if (ctx.unwinding) save and
 *     return; }}
 *     A tick point is a suspension point with no call result: its resume point discards
 *     {@link #resumeValue()}.</li>
 * <li>The resume point of a call site (reached only from the restore code) gets the call's result
 *     from {@link #resumeValue()}, which may throw: the exception is then raised at the call site,
 *     inside the method's own try blocks.</li>
 * </ol>
 *
 * <p>The chain token ({@link #expect}, {@code d}). Invariant: a woven frame's {@code d} is 0 exactly
 * when every frame between the strand's entry and it is a woven method entered from a woven call
 * site (or from the trampoline). Hashes of name and descriptor are odd. The trampoline starts the
 * chain with {@code expect = hash(run()V)}; a woven call site hands on {@code hash(callee) ^ d}; a
 * woven entry takes {@code d = 0} if {@code expect == H}, else {@code d = BROKEN} (2, even), and
 * leaves {@code expect = d}. So after any woven entry {@code expect} is even and matches no method:
 * a woven method called through a plain (not suspendable) call, or by a frame that is not woven
 * (which writes nothing), gets {@code d = BROKEN}; and a broken chain stays broken, because each of
 * its sites hands on {@code hash(callee) ^ 2}, which matches no callee. When a woven call returns,
 * the caller puts its own {@code d} back, so a callee that was not woven cannot leave
 * {@code hash(callee)} behind for a later plain call. Re-entered frames have {@code d = 0}: only intact chains are ever unwound. So the
 * check before a switch is one comparison: the switching primitive's own woven entry left
 * {@code expect == 0} (see {@link #checkUnwind}); a tick point passes its {@code d} to
 * {@link Preemption#expired(int)}. One blind spot, in a class that was never woven: an unwoven
 * implementation of a suspendable method that calls a woven method of the same name and descriptor
 * (a delegating wrapper, a {@code super} call). A method reference (whose target is entered
 * through a lambda proxy under the functional interface's hash) is registered by its class as an
 * accepted pair ({@link #alias}).
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

    /** The chain value of a frame that cannot unwind: even, so never a method's (odd) hash. */
    static final int BROKEN = 2;

    /** {@link #resumeKind}: the re-entered frame's call returns the suspending primitive's resumption. */
    public static final int RESUME_K = 0;
    /** {@link #resumeKind}: it returns {@link #resumeValue} (what the frame above returned). */
    public static final int RESUME_VALUE = 1;
    /** {@link #resumeKind}: it raises {@link #resumeThrown} (what the frame above threw). */
    public static final int RESUME_THROW = 2;

    /** True while the running soft strand's frames are unwinding to the heap. */
    public boolean unwinding;
    /**
     * The chain token (see the class comment): before a woven call, the callee's hash xor the
     * caller's {@code d}; after a woven entry, that entry's {@code d} (0 while the chain is intact).
     */
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
    // The soft runtime's side of the contract (org.jstackless.internal.soft.runtime, its strand's
    // trampoline): woven code never touches these. Public because the runtime is another package.

    /** True when the trampoline is re-entering a saved frame: the next woven entry consumes it. */
    public boolean rewinding;
    /** The soft strand running on this thread, or null. */
    public FrameStore strand;
    /** What the re-entered frame's call returns: one of {@link #RESUME_K}, {@link #RESUME_VALUE}, {@link #RESUME_THROW}. */
    public int resumeKind;
    /** The value for {@link #RESUME_VALUE}. */
    public Object resumeValue;
    /** The throwable for {@link #RESUME_THROW}. */
    public Throwable resumeThrown;

    /**
     * What the soft runtime ({@code org.jstackless.internal.soft.runtime}, which implements this
     * contract and is not exported) supplies to it, on cold paths only. Installed by the runtime
     * before any of its strands runs or its tick handler is set; until then no soft strand exists,
     * so nothing here needs it ({@link Preemption#expired(int)} then only resets the budget).
     */
    public interface Hooks {
        /** The refusal of a switch whose chain token says a frame cannot unwind (see {@link #checkUnwind}). */
        IllegalStateException refuseSwitch();

        /** A tick point's slow path ({@link Preemption#expired(int)}). */
        void tickExpired(int chain);
    }

    private static volatile Hooks hooks;

    /** Installs the soft runtime's hooks (by the runtime, once). */
    public static void install(Hooks h) {
        hooks = h;
    }

    /** The installed hooks, or null. */
    static Hooks hooks() {
        return hooks;
    }

    private SoftContext() {
        owner = Thread.currentThread().threadId();
    }

    /**
     * The hash of a method that a woven entry ({@link #enter}) and a woven call site ({@link #expect})
     * compare: of its name and descriptor, always odd (the weaver computes the same).
     */
    public static int hash(String name, String desc) {
        return (name + desc).hashCode() | 1;
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
     * Woven method entry: returns the method's chain value {@code d} (0: the chain from the strand's
     * entry to this frame is intact) and leaves it in {@link #expect}; while the trampoline is
     * re-entering a frame, returns a non-zero value without changing anything (the method then calls
     * {@link #restoring()}).
     */
    public int enter(int hash) {
        if (rewinding) {
            return 1;
        }
        int d = expect ^ hash;
        if (d != 0) {
            d = Aliases.accepts(d) ? 0 : BROKEN;
        }
        expect = d;
        return d;
    }

    /**
     * Called by a woven entry whose {@link #enter} returned non-zero: the saved frame to restore
     * when the trampoline is re-entering this method, else null (a broken chain: run on).
     */
    public Frame restoring() {
        if (!rewinding) {
            return null;
        }
        rewinding = false;
        expect = 0;
        return strand.pop();
    }

    /**
     * Registers a method reference's pair of hashes ({@code hash(interface method) ^ hash(target)}):
     * the target, entered through a lambda proxy under the interface method's hash, keeps an intact
     * chain. Called from the static initializer of a woven class that makes such a reference.
     */
    public static void alias(int key) {
        Aliases.add(key);
    }

    /**
     * Refuses, before anything changes, a switch that would have to unwind the running soft strand
     * through a frame that cannot unwind: called by every switching primitive (channel operations,
     * schedule, run, switchTo, kill, throwInto, coroutine and greenlet switches, yield) at the point
     * where it knows it will switch. Reads the chain value the primitive's own woven entry left in
     * {@link #expect}; a no-op on threads where no soft strand runs.
     */
    public static void checkUnwind() {
        SoftContext c = current();
        if (c.strand != null && c.expect != 0) {
            throw hooks.refuseSwitch(); // a soft strand runs: the runtime is installed
        }
    }

    /**
     * The chain value left by the last woven entry, for code that runs other code (callbacks) between
     * a primitive's entry and its {@link #checkUnwind}: save it, run, {@link #restoreChain}.
     */
    public static int chain() {
        return current().expect;
    }

    /** Restores what {@link #chain()} returned. */
    public static void restoreChain(int value) {
        current().expect = value;
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
     * resumption for the top frame, else what the frame above returned; or throws what it
     * threw.
     */
    public Object resumeValue() {
        switch (resumeKind) {
            case RESUME_K:
                return strand.resumed();
            case RESUME_VALUE: {
                Object v = resumeValue;
                resumeValue = null;
                return v;
            }
            default: {
                Throwable t = resumeThrown;
                resumeThrown = null;
                throw SoftContext.<RuntimeException>sneaky(t);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
