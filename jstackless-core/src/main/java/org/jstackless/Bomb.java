package org.jstackless;

import java.util.Objects;

/**
 * An exception in transit (spec §5.2). When a tasklet resumes with a bomb in its
 * {@link Tasklet#tempval() tempval}, the suspending call it is resumed from throws the bomb's
 * exception instead of returning.
 */
public final class Bomb implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Throwable exception;

    /** A bomb that will raise {@code t}. */
    public Bomb(Throwable t) {
        this.exception = Objects.requireNonNull(t, "a bomb needs an exception");
    }

    /** The exception this bomb raises. */
    public Throwable exception() {
        return exception;
    }

    @Override
    public String toString() {
        return "Bomb[" + exception + "]";
    }
}
