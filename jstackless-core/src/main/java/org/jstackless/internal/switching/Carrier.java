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
 * <p>Invariants: {@code running} is the strand executing now, or null when the thread stack
 * executes; the loop runs only while {@code running == null} is false for its duration; a strand
 * is resumed only by this loop, on this carrier's thread.
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
    /** The tasklet scheduler of this thread, or null before Stackless is entered here. */
    private Object tasklets;
    /** Suspended strands that own a thread (virtual-thread fallback), to unwind when Stackless ends here. */
    private java.util.Set<Strand> threadBacked;

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

    /** Forgets this thread's carrier (after {@code runAsMain}). */
    public static void clear() {
        CURRENT.remove();
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
                s.resume();
                s = next;
            } while (s != null);
        } finally {
            running = null;
            next = null;
        }
    }
}
