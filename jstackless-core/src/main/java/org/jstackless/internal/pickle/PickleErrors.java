package org.jstackless.internal.pickle;

import java.util.Objects;

/**
 * The errors this layer raises, made by the public layer: a pickle that cannot be made or read is
 * a public {@code NotPicklableException} (a version mismatch its {@code PickleVersionException}),
 * which this package does not name, so that it does not depend on the package above it. The
 * pickler installs the factory when it initialises, before any pickling.
 */
public final class PickleErrors {
    /** Makes and recognises the public exceptions. */
    public interface Factory {
        /** A refusal: the object graph or the pickle cannot be pickled or read; {@code cause} may be null. */
        RuntimeException notPicklable(String message, Throwable cause);

        /** A pickle made by another version of the format or of the program. */
        RuntimeException versionMismatch(String message);

        /** True if {@code t} is one of {@link #notPicklable}'s (or {@link #versionMismatch}'s) errors. */
        boolean isNotPicklable(Throwable t);
    }

    private static volatile Factory factory;

    private PickleErrors() {
    }

    /** Installs the factory (by the pickler's initialisation; a second call replaces the first). */
    public static void install(Factory f) {
        factory = Objects.requireNonNull(f);
    }

    private static Factory factory() {
        Factory f = factory;
        if (f == null) {
            throw new IllegalStateException("the pickle layer is used before org.jstackless.Pickler initialised it");
        }
        return f;
    }

    /** A refusal naming what cannot be pickled or read. */
    public static RuntimeException notPicklable(String message) {
        return factory().notPicklable(message, null);
    }

    /** A refusal with its cause. */
    public static RuntimeException notPicklable(String message, Throwable cause) {
        return factory().notPicklable(message, cause);
    }

    /** A pickle of another format or program. */
    public static RuntimeException versionMismatch(String message) {
        return factory().versionMismatch(message);
    }

    /** True for a refusal made here (so a caller can add context to it). */
    public static boolean isNotPicklable(Throwable t) {
        Factory f = factory;
        return f != null && f.isNotPicklable(t);
    }
}
