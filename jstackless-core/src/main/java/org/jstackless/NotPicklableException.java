package org.jstackless;

/**
 * A tasklet cannot be pickled, or a pickle cannot be loaded: a hard or current tasklet, a local
 * whose class is not allowed, a tampered, truncated or wrongly signed pickle... The message names
 * the offending frame, class or method. When it is thrown by {@link Pickler#loads}, nothing was
 * restored.
 */
public class NotPicklableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message naming what cannot be pickled or loaded. */
    public NotPicklableException(String message) {
        super(message);
    }

    /** With a message and the underlying cause. */
    public NotPicklableException(String message, Throwable cause) {
        super(message, cause);
    }
}
