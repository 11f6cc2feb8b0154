package org.jstackless.internal.switching;

/**
 * The per-thread switching engine: a trampoline on the thread's own stack.
 *
 * <p>Algorithm. The thread's original stack (the "main" flow of every concept on this thread) is
 * represented by {@code null}. When code on the thread stack switches to strand S, the carrier runs
 * the loop {@code while (S != null) { running = S; S.resume(); S = next; }}: each strand, to switch,
 * stores its target in {@link #next} and suspends back into the loop, which resumes the target. A
 * switch back to the thread stack stores {@code null}, which ends the loop, and the thread stack's
 * call returns. So the loop exists only while the thread stack is waiting, never nests, and a
 * strand-to-strand switch is one suspend plus one resume.
 *
 * <p>One exception keeps the virtual-thread fallback usable: a virtual-thread strand whose next
 * strand is another virtual-thread strand hands the turn to it directly ({@link #handedOver}),
 * so the loop's platform thread is woken only when a chain of such switches ends; the loop then
 * carries on with whatever {@code next} the last strand named.
 *
 * <p>Nested runs ({@link #runNested}, for generators): a strand may also be run on the stack of
 * whatever executes now, like a function call, and suspend back to that call. {@code running} then
 * stays the outer flow, so every concept keeps seeing the flow that carries the nested one; a
 * switch from inside a nested strand suspends that outer flow with the nested strand on its stack,
 * which only a hard flow carrying hard nested strands, or the thread stack, can do (otherwise
 * {@link #switchTo} refuses). The innermost nested strand is saved with a suspending strand and
 * restored when the loop resumes it.
 *
 * <p>Invariants: {@code running} is the strand executing now (or carrying the nested strands that
 * execute), or null when the thread stack executes; the loop runs only while {@code running == null}
 * is false for its duration; a strand is resumed only by this loop or by {@link #runNested}, on
 * this carrier's thread.
 */
public final class Carrier {
    private static final ThreadLocal<Carrier> CURRENT = new ThreadLocal<>();

    /**
     * A lookup cache in front of {@link #CURRENT} for the carriers' own threads (every switch looks
     * the carrier up): slot {@code threadId % 64} holds the carrier of the last thread that missed
     * on it, returned only when that carrier's {@link #thread} is the caller (a final field). A
     * thread that adopted another thread's carrier (a virtual-thread strand) always misses and uses
     * the {@code ThreadLocal}. Slots are 16 references apart (no shared cache line between
     * neighbouring ids). A dead thread's carrier stays reachable until its slot is reused.
     */
    private static final int SLOTS = 64;
    private static final int SLOT_STRIDE = 16;
    private static final Carrier[] CACHE = new Carrier[SLOTS * SLOT_STRIDE];

    private final Thread thread;
    private Strand running;
    private Strand next;
    /**
     * The innermost strand running nested on the running flow's stack ({@link #runNested}: a
     * generator body inside its consumer's next()), or null.
     */
    private Strand nested;
    /** How many of the nested strands on the running flow's stack are soft. */
    private int nestedSoft;
    /** The tasklet scheduler of this thread, or null before Stackless is entered here. */
    private Object tasklets;
    /** Suspended strands that own a thread (virtual-thread fallback), to unwind when Stackless ends here. */
    private java.util.Set<Strand> threadBacked;
    /**
     * Run once by the loop as soon as the strand it resumed has suspended (its frames are off this
     * thread's stack), then cleared; null almost always. A pool carrier uses it to publish that a
     * tasklet switching away may now be resumed by another carrier.
     */
    private Runnable afterSuspend;

    private Carrier(Thread thread) {
        this.thread = thread;
    }

    /** This thread's carrier, created on first use. */
    public static Carrier current() {
        Thread t = Thread.currentThread();
        Carrier c = CACHE[slot(t)];
        if (c != null && c.thread == t) {
            return c;
        }
        return currentSlow(t);
    }

    private static int slot(Thread t) {
        return (int) (t.threadId() & (SLOTS - 1)) * SLOT_STRIDE;
    }

    private static Carrier currentSlow(Thread t) {
        Carrier c = CURRENT.get();
        if (c == null) {
            c = new Carrier(t);
            CURRENT.set(c);
        }
        if (c.thread == t) {
            CACHE[slot(t)] = c;
        }
        return c;
    }

    /** This thread's carrier, or null if none was created. */
    public static Carrier peek() {
        return CURRENT.get();
    }

    /** Makes {@code c} the carrier seen by the calling thread (a virtual-thread strand's own thread). */
    static void adopt(Carrier c) {
        CURRENT.set(c);
        forgetCached();
    }

    /** Drops the calling thread's cached carrier, after its {@code ThreadLocal} changed. */
    private static void forgetCached() {
        Thread t = Thread.currentThread();
        int i = slot(t);
        Carrier c = CACHE[i];
        if (c != null && c.thread == t) {
            CACHE[i] = null;
        }
    }

    public Thread thread() {
        return thread;
    }

    public Strand running() {
        return running;
    }

    public Object tasklets() {
        return tasklets;
    }

    public void setTasklets(Object s) {
        this.tasklets = s;
    }

    void registerThreadBacked(Strand s) {
        if (threadBacked == null) {
            threadBacked = new java.util.LinkedHashSet<>();
        }
        threadBacked.add(s);
    }

    void unregisterThreadBacked(Strand s) {
        if (threadBacked != null) {
            threadBacked.remove(s);
        }
    }

    /** Unwinds every thread-backed strand still suspended here (their finally blocks run). */
    public void discardThreadBacked() {
        java.util.Set<Strand> set = threadBacked;
        threadBacked = null;
        if (set != null) {
            for (Strand s : set.toArray(new Strand[0])) {
                s.discard();
            }
        }
    }

    /** The strand named to run next (read by a virtual-thread strand that hands over directly). */
    Strand next() {
        return next;
    }

    /**
     * Records that the running strand handed the turn to {@code target} itself, as the loop would
     * have done: the loop, parked meanwhile, finds {@code next} set by whichever strand hands it
     * the turn back.
     */
    void handedOver(Strand target) {
        if (nested != null) {
            running.parkNested(nested);
        }
        nested = target.takeParkedNested();
        running = target;
        next = null;
    }

    /**
     * Asks the loop to run {@code r} once the running strand has suspended (from the thread stack,
     * after the next strand the loop resumes suspends). A later call replaces an earlier one.
     */
    public void afterSuspend(Runnable r) {
        this.afterSuspend = r;
    }

    /** Names what runs when the running strand suspends or ends; null means the thread stack. */
    public void setNext(Strand target) {
        this.next = target;
    }

    /**
     * Switches from whatever runs now to {@code target} (null: the thread stack) and returns the
     * suspending call's result as {@link Strand#suspend} describes. From the thread stack this runs
     * the loop until a strand hands the thread stack its turn back.
     */
    public Object switchTo(Strand target, Resumption k) {
        checkSwitchAllowed();
        Strand me = running;
        if (me == null) {
            if (target != null) {
                loop(target);
            }
            return k.resumed();
        }
        next = target;
        return me.suspend(k);
    }

    private void loop(Strand s) {
        // The thread stack may itself be running nested strands (a generator body that switched
        // away from a consumer on the thread stack): they are not the resumed strands' business.
        Strand outerNested = nested;
        int outerSoft = nestedSoft;
        nested = null;
        nestedSoft = 0;
        try {
            do {
                running = s;
                next = null;
                nested = s.takeParkedNested(); // a hard strand that suspended inside a nested body
                s.resumeFromLoop();
                Runnable after = afterSuspend;
                if (after != null) {
                    afterSuspend = null;
                    after.run();
                }
                if (nested != null) {
                    // running, not s: a virtual-thread strand may have handed the turn on directly.
                    running.parkNested(nested);
                    nested = null;
                }
                s = next;
            } while (s != null);
        } finally {
            running = null;
            next = null;
            nested = outerNested;
            nestedSoft = outerSoft;
        }
    }

    // ---------------------------------------------------------------- nested runs (generators)

    /**
     * Runs {@code s} on the caller's own stack, like a function call, until it suspends with
     * {@link #yieldNested} or ends; {@link #running()} does not change, so the strand the loop runs
     * (or the thread stack) stays the one every concept sees as running. Nests: a nested strand may
     * run another one.
     */
    public void runNested(Strand s) {
        Strand outerNested = nested;
        Strand outerNext = next;
        boolean soft = s.isSoft();
        nested = s;
        if (soft) {
            nestedSoft++;
        }
        // A hard strand nested in a soft one: the soft strand's chain checks do not apply to its code.
        PluggedMechanism p = soft ? null : Switching.plugged();
        Object saved = p == null ? null : p.enterForeignNested();
        try {
            s.resume();
        } finally {
            if (p != null) {
                p.exitForeignNested(saved);
            }
            nested = outerNested;
            if (soft) {
                nestedSoft--;
            }
            next = outerNext;
        }
    }

    /** The innermost strand running nested now, or null. */
    public Strand nested() {
        return nested;
    }

    /**
     * True when a switch away from inside nested strand {@code s} (about to run nested, or running)
     * would be refused: a strand runs (not the thread stack) and it, {@code s} or a nested strand
     * around {@code s} is soft. A soft frame cannot be suspended through the plain call that runs a
     * nested strand, and a hard one cannot carry a soft nested strand's frames away.
     */
    public boolean switchRefusedInside(Strand s) {
        Strand me = running;
        return me != null && (me.isSoft() || nestedSoft > 0 || s.isSoft());
    }

    /** Raises the refusal if a switch away from here would be refused (nested strands run). */
    public void checkSwitchAllowed() {
        Strand me = running;
        if (nested != null && me != null && (me.isSoft() || nestedSoft > 0)) {
            throw nestedRefusal.refuse(me.isSoft(), null);
        }
    }

    /**
     * Suspends {@code s}, which must be the innermost nested strand and the caller, back into its
     * {@link #runNested}; returns as {@link Strand#suspend} describes. The concept checks who may
     * yield and says why not; this is only the guard.
     */
    public Object yieldNested(Strand s, Resumption k) {
        if (nested != s) {
            throw new IllegalStateException("a strand that is not the innermost one running nested asked to yield");
        }
        return s.suspend(k);
    }

    /**
     * Builds the error for a switch refused inside a nested run ({@link #switchRefusedInside}): the
     * concept that runs strands nested (generators) says what happened in its terms and how to fix it.
     */
    @FunctionalInterface
    public interface NestedRefusal {
        /** The error; {@code outerSoft}: the flow carrying the nested run is soft; {@code cause}: what it replaces, or null. */
        IllegalStateException refuse(boolean outerSoft, Throwable cause);
    }

    private static volatile NestedRefusal nestedRefusal = (outerSoft, cause) -> new IllegalStateException(
            "cannot switch away from inside a strand run nested on its caller's stack", cause);

    /** Sets how a refused switch inside a nested run is reported (by the concept that runs strands nested). */
    public static void describeNestedRefusal(NestedRefusal r) {
        nestedRefusal = r;
    }
}
