package org.jstackless.internal.switching;

/**
 * One switchable flow of control: the primitive every concept (tasklets, coroutines, greenlets,
 * generators) is built on. The contract is "run until it yields": {@link #resume()} runs the strand
 * on the calling thread until it suspends or its body ends, then returns.
 *
 * <p>Strands never switch to each other directly. A {@link Carrier} (one per thread) runs them in a
 * loop on the thread's own stack; a strand that wants another one to run names it with
 * {@link Carrier#setNext} and suspends back into that loop. So a switch between two strands costs
 * exactly one suspend plus one resume, whatever the mechanism. (The virtual-thread fallback does
 * both halves from the suspending strand's thread when both strands are virtual threads: see
 * {@link Carrier}.)
 */
public abstract class Strand {
    /**
     * Takes the innermost nested strand ({@link Carrier#runNested}) that was running on this
     * strand's stack when it suspended, for the carrier loop that resumes it; null almost always.
     * Only hard strands can suspend with one (a soft flow's switch inside a nested run is refused),
     * so only they keep a field for it: a soft tasklet stays 8 bytes smaller.
     */
    Strand takeParkedNested() {
        return null;
    }

    /** Records {@link #takeParkedNested}'s strand when this strand suspends (null: none). */
    void parkNested(Strand s) {
        if (s != null) {
            throw new IllegalStateException("a soft strand cannot suspend inside a nested strand");
        }
    }

    /** Runs this strand until it suspends or ends. Called by the carrier loop only. */
    public abstract void resume();

    /** {@link #resume()} as the carrier loop calls it; a mechanism may then hand over directly. */
    void resumeFromLoop() {
        resume();
    }

    /**
     * Suspends the running strand (the caller must be this strand). A hard strand returns when it is
     * resumed, with {@code k.resumed()}. A soft strand requests unwinding and returns null at once;
     * its woven frames return, and the caller's frame asks {@code k} for the result when re-entered.
     */
    public abstract Object suspend(Resumption k);

    /** True once the body has ended (normally or not) and {@link StrandEntry#end} ran. */
    public abstract boolean isDone();

    /** True when this strand unwinds to the heap instead of keeping a native stack. */
    public abstract boolean isSoft();

    /**
     * True when this strand may be resumed on another thread than the one it last ran on. A started
     * JDK continuation may not: compiled frames may keep {@code Thread.currentThread()} across the
     * yield (the JDK assumes a continuation's carrier changes only for virtual threads). Soft
     * strands keep no frames on the stack and may always move.
     */
    public boolean canMigrate() {
        return true;
    }

    /** True when this strand's state may be pickled (soft strands only). */
    public boolean isRestorable() {
        return isSoft();
    }

    /**
     * Drops a suspended strand's frames. Continuation and soft strands run no code (Stackless's
     * "bind(None)" semantics: finally blocks do not run); the virtual-thread fallback must unwind
     * its thread and so does run them.
     */
    public abstract void discard();

    /** The suspended frames, innermost first, or an empty array when they cannot be seen. */
    public StackTraceElement[] suspendedStackTrace() {
        return new StackTraceElement[0];
    }

    /** Number of frames of the suspended body, or -1 when the mechanism cannot tell. */
    public int frameDepth() {
        return -1;
    }
}
