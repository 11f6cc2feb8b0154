package org.jstackless;

/**
 * Raised inside a tasklet by {@link Tasklet#kill()}. An {@link Error}, so {@code catch (Exception e)}
 * does not swallow it; propagating out of a tasklet ends it silently.
 */
public class TaskletExit extends Error {
    private static final long serialVersionUID = 1L;

    /** A TaskletExit without a message. */
    public TaskletExit() {
        super();
    }

    /** A TaskletExit with a message. */
    public TaskletExit(String message) {
        super(message);
    }
}
