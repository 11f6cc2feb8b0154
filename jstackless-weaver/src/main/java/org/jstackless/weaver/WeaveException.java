package org.jstackless.weaver;

/**
 * A class cannot be woven: a build-time rule of soft switching is broken or the bytecode is not
 * supported. The message names the class, the method and the source line.
 */
public class WeaveException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An error with a complete message. */
    public WeaveException(String message) {
        super(message);
    }

    /** An error with a complete message and its cause. */
    public WeaveException(String message, Throwable cause) {
        super(message, cause);
    }
}
