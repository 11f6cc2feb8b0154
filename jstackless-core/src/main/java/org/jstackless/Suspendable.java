package org.jstackless;

/**
 * Marker for methods that may switch tasklets: declare {@code throws Suspendable}. Never thrown.
 *
 * <p>javac then forces every caller to declare it too, which is exactly the set of methods the
 * weaver must instrument for soft switching. It extends {@link Throwable}, not {@link Exception},
 * so that a {@code throws Exception} clause does not silently cover it.
 */
public final class Suspendable extends Throwable {
    private static final long serialVersionUID = 1L;

    private Suspendable() {
        throw new AssertionError("Suspendable is a marker and is never thrown");
    }
}
