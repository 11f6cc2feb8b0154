package org.jstackless;

/**
 * Raised in a tasklet that blocks when nothing else could ever wake it (spec §5.4), or in the main
 * tasklet when the last tasklet that could have served its channel operation ended.
 */
public class DeadlockException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** A deadlock report with the given message. */
    public DeadlockException(String message) {
        super(message);
    }
}
