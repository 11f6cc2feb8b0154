package org.jstackless;

import java.util.List;

/**
 * A pickle was made by another version of the program (or of the pickle format): the bytecode of
 * the methods whose frames it holds changed, so its saved call sites and locals no longer fit.
 * {@link #changedMethods()} names them.
 */
public class PickleVersionException extends NotPicklableException {
    private static final long serialVersionUID = 1L;

    private final List<String> changedMethods;

    /** With a message and the methods (as {@code class.method(descriptor)}) whose bytecode changed. */
    public PickleVersionException(String message, List<String> changedMethods) {
        super(message);
        this.changedMethods = List.copyOf(changedMethods);
    }

    /** The methods whose bytecode differs from the pickled fingerprints; empty for a format mismatch. */
    public List<String> changedMethods() {
        return changedMethods;
    }
}
