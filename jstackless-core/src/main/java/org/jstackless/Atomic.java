package org.jstackless;

/**
 * An atomic section of the current tasklet: {@code try (var a = Stackless.atomic()) { ... }}.
 * While atomic, the tasklet is not preempted. Closing restores the flag it had before.
 */
public final class Atomic implements AutoCloseable {
    private final Tasklet tasklet;
    private final boolean previous;

    Atomic(Tasklet tasklet, boolean previous) {
        this.tasklet = tasklet;
        this.previous = previous;
    }

    /** Restores the atomic flag the tasklet had when this section began. */
    @Override
    public void close() {
        tasklet.setAtomic(previous);
    }
}
