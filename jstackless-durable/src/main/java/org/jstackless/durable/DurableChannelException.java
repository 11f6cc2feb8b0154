package org.jstackless.durable;

/**
 * Raised in a durable tasklet's {@link DurableChannel#receive} by a sender's
 * {@link DurableChannel#sendException}: the durable form of Stackless's {@code send_exception}.
 * Exceptions do not pickle, so what travels (durably, exactly once) is the message.
 */
public class DurableChannelException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String channel;

    /** Raised on {@code channel} with the sender's {@code message}. */
    public DurableChannelException(String channel, String message) {
        super(message);
        this.channel = channel;
    }

    /** The channel it was sent on. */
    public String channel() {
        return channel;
    }
}
