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
 * <p>Invariants: {@code running} is the strand executing now, or null when the thread stack
 * executes; the loop runs only while {@code running == null} is false for its duration; a strand
 * is resumed only by this loop, on this carrier's thread.
 */
public final class Carrier {
    private static final ThreadLocal<Carrier> CURRENT = new ThreadLocal<>();

    private final Thread thread;
    private Strand running;
    private Strand next;
    /** The tasklet scheduler of this thread, or null before Stackless is entered here. */
    private Object tasklets;
    /** Suspended strands that own a thread (virtual-thread fallback), to unwind when Stackless ends here. */
    private java.util.Set<Strand> threadBacked;

    private Carrier(Thread thread) {
        this.thread = thread;
    }

    /** This thread's carrier, created on first use. */
    public static Carrier current() {
        Carrier c = CURRENT.get();
        if (c == null) {
            c = new Carrier(Thread.currentThread());
            CURRENT.set(c);
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
    }

    /** Forgets this thread's carrier (after {@code runAsMain}). */
    public static void clear() {
        CURRENT.remove();
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
        running = target;
        next = null;
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
        try {
            do {
                running = s;
                next = null;
                s.resumeFromLoop();
                s = next;
            } while (s != null);
        } finally {
            running = null;
            next = null;
        }
    }
}
