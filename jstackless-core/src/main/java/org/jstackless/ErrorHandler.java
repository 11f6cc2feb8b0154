package org.jstackless;

/**
 * Sees every exception that escapes a non-main tasklet, in the dying tasklet's context. Returning
 * normally swallows the error; throwing sends the thrown exception to the watchdog (the innermost
 * {@link Stackless#run()} caller, else main).
 */
@FunctionalInterface
public interface ErrorHandler {
    /** Handles {@code error}, or throws to pass an exception on. */
    void handle(Throwable error) throws Exception;
}
