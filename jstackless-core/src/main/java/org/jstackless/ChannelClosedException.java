package org.jstackless;

/**
 * Raised by a channel operation that would have to block on a closing channel. Operations that can
 * complete at once still succeed; {@link Channel#open()} lifts the restriction.
 */
public class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** A closed-channel report with the given message. */
    public ChannelClosedException(String message) {
        super(message);
    }
}
