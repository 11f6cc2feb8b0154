package org.jstackless.durable;

import java.util.Objects;
import org.jstackless.Suspendable;
import org.jstackless.durable.internal.Request;

/**
 * A named durable channel: a rendezvous between durable tasklets of one {@link DurableRuntime}
 * whose blocked senders and receivers, and the values being sent, are part of the durable state.
 * A rendezvous commits the receiver's checkpoint (holding the value) and the sender's checkpoint
 * in one store commit, so a crash at any moment neither loses nor doubles a message. The handle is
 * only the name: it pickles with the tasklets that hold it.
 *
 * @param name the channel's name (the same name is the same channel, across restarts)
 * @param <T>  the values
 */
public record DurableChannel<T>(String name) {
    /** Checks the name. */
    public DurableChannel {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > Checkpoint.MAX_ID) {
            throw new IllegalArgumentException("a durable channel's name has 1 to " + Checkpoint.MAX_ID + " characters");
        }
    }

    /** Sends {@code value} (picklable); returns once a receiver took it, and that is committed. */
    public void send(T value) throws Suspendable {
        Durable.request(new Request.Send(name, value));
    }

    /**
     * Receives a value; returns once a sender's value is committed as this tasklet's. Throws a
     * {@link DurableChannelException} if the sender used {@link #sendException}.
     */
    @SuppressWarnings("unchecked")
    public T receive() throws Suspendable {
        Object v = Durable.request(new Request.Receive(name));
        if (v instanceof Request.Raise r) {
            throw new DurableChannelException(name, r.message());
        }
        return (T) v;
    }

    /**
     * Sends an exception: the receiver's {@link #receive} throws a {@link DurableChannelException}
     * with {@code message}. A rendezvous like {@link #send} (blocks until received; exactly once).
     */
    public void sendException(String message) throws Suspendable {
        Durable.request(new Request.Send(name, new Request.Raise(java.util.Objects.requireNonNull(message, "message"))));
    }
}
