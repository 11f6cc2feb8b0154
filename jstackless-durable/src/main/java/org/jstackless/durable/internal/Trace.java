package org.jstackless.durable.internal;

/**
 * A timing trace of the durable runtime's steps (commits, rendezvous, reloads), for measuring
 * where a cluster hop's time goes: on only with {@code -Djstackless.durable.trace=true}, when it
 * prints one line per event to standard error (monotonic microseconds, thread, event).
 */
public final class Trace {
    /** Whether tracing is on (read once). */
    public static final boolean ON = Boolean.getBoolean("jstackless.durable.trace");

    private Trace() {
    }

    /** Prints {@code event} with the time and thread, when tracing is on. */
    public static void at(String event) {
        if (ON) {
            System.err.println("trace " + System.nanoTime() / 1000 + " " + Thread.currentThread().getName() + " " + event);
        }
    }
}
