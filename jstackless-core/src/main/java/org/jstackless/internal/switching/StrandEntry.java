package org.jstackless.internal.switching;

/**
 * What a strand does around its body. The concept built on the strand (a tasklet, a coroutine)
 * implements it; every mechanism calls it the same way, on the strand itself:
 * {@code begin()}, then the body unless {@code begin()} threw, then {@code end(error)} exactly once.
 * The concept knows what its bodies are, so it runs them ({@link #runBody}); this layer only
 * carries them as objects.
 */
public interface StrandEntry {
    /** Runs first; throwing here ends the strand with that error before its body runs. */
    void begin() throws Throwable;

    /** Runs {@code body} (the object the strand was created with), after {@link #begin}. */
    void runBody(Object body) throws Throwable;

    /**
     * Runs last, with the body's uncaught throwable or null. It must pick the carrier's next target
     * ({@link Carrier#setNext}) and return; it must not switch.
     */
    void end(Throwable error);

    /**
     * A soft strand's frames could not be saved while it unwound from a switch (frameless code
     * threw): {@code failed} now holds no frames, stays where its switch put it, and ends with its
     * error when it is next resumed. Called on the strand's carrier, right after the failure, still
     * inside {@code failed.resume()}: the concept may take the strand out of what it waits on and
     * name it the carrier's next target so that it ends at once. It must not switch. By default
     * nothing is done.
     */
    default void unwindFailed(Strand failed) {
    }
}
