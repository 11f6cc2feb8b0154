package org.jstackless.durable;

/**
 * A durable channel as committed: Stackless's {@code closing}, {@code balance} and {@code closed}.
 *
 * @param name    the channel's name
 * @param closing true after a close (until opened again)
 * @param balance tasklets blocked sending on it minus those blocked receiving
 */
public record DurableChannelInfo(String name, boolean closing, int balance) {
    /** Closing and nobody blocked on it: no operation on it can complete any more. */
    public boolean closed() {
        return closing && balance == 0;
    }
}
