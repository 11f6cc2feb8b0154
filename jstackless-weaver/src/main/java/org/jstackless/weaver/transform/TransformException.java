package org.jstackless.weaver.transform;

/**
 * A method cannot be transformed (its bytecode is not supported); the message names the class, the
 * method and the source line. {@code Weaver} reports it as a {@code WeaveException} with the same
 * message (this package does not depend on the weaver's entry points).
 */
public final class TransformException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An error with a complete message. */
    public TransformException(String message) {
        super(message);
    }
}
