package org.jstackless.internal.switching;

/**
 * A mechanism plugged into {@link Switching} by a layer above it (the soft runtime, registered by
 * the concepts' layer), instead of being known here: it runs only the bodies it says it can run,
 * and may keep per-thread checks that must be set aside while a strand of another mechanism runs
 * nested inside one of its strands.
 */
public interface PluggedMechanism {
    /** Which mechanism this is. */
    Mechanism mechanism();

    /** True if this mechanism can run {@code body} (for the soft one: its code was woven). */
    boolean canRun(Object body);

    /** Why {@link #canRun} refuses {@code body}, naming the fix (the error when this mechanism is forced). */
    String cannotRun(Object body);

    /** Makes this mechanism's strands. */
    StrandFactory factory();

    /**
     * Called by {@link Carrier#runNested} before a strand of another mechanism runs nested on the
     * caller's stack: sets aside this mechanism's per-thread checks, which do not apply to that
     * strand's code. Returns what {@link #exitForeignNested} restores.
     */
    default Object enterForeignNested() {
        return null;
    }

    /** Ends {@link #enterForeignNested}. */
    default void exitForeignNested(Object saved) {
    }
}
