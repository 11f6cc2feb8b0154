package org.jstackless.internal.switching;

/** The ways a strand can keep its state while suspended. */
public enum Mechanism {
    /** Hard: {@code jdk.internal.vm.Continuation}; the native stack is copied to the heap by the JVM. */
    CONTINUATION,
    /** Hard fallback: one parked virtual thread per strand, handed the turn explicitly. */
    VIRTUAL_THREAD,
    /**
     * Soft: woven methods unwind their frames to the heap by returning, and rewind lazily. Not made
     * here: plugged in by the layer above ({@link Switching#plug}).
     */
    SOFT
}
