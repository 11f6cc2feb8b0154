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

    /**
     * Closes the channel (Stackless's {@code close()}), committed with this tasklet's checkpoint, so
     * it survives crashes and is seen by every node sharing the store. From then on an operation that
     * would have to block on it throws a {@link org.jstackless.ChannelClosedException}; operations that
     * complete at once (a partner is blocked there) still succeed, and tasklets already blocked stay
     * blocked and still meet partners (close wakes nobody, as in Stackless). True if this call closed it.
     */
    public boolean close() throws Suspendable {
        return (Boolean) Durable.request(new Request.Close(name, false));
    }

    /** Opens a closing channel again (Stackless's {@code open()}), committed likewise; true if it was closing. */
    public boolean open() throws Suspendable {
        return (Boolean) Durable.request(new Request.Close(name, true));
    }

    /** True after {@link #close} (by any tasklet, runtime or node), as committed; does not suspend. */
    public boolean isClosing() {
        return org.jstackless.durable.internal.Engine.require("DurableChannel.isClosing").closingNow(name);
    }

    /** Tasklets blocked sending minus tasklets blocked receiving (Stackless's {@code balance}); does not suspend. */
    public int balance() {
        return org.jstackless.durable.internal.Engine.require("DurableChannel.balance").balanceNow(name);
    }

    /** Closing and nobody blocked on it (Stackless's {@code closed}): no operation on it can complete. */
    public boolean isClosed() {
        return isClosing() && balance() == 0;
    }

    /**
     * Stackless's {@code next(channel)}, the step of iterating a channel: throws
     * {@link java.util.NoSuchElementException} (Python's StopIteration) when the channel is closing
     * and no sender waits, and otherwise receives as {@link #receive} (blocking on an open channel).
     * Loop with {@code while (true) { T v; try { v = ch.next(); } catch (NoSuchElementException end) { break; } ... }}.
     */
    @SuppressWarnings("unchecked")
    public T next() throws Suspendable {
        Object v = Durable.request(new Request.Next(name));
        if (v instanceof Request.Raise r) {
            throw new DurableChannelException(name, r.message());
        }
        return (T) v;
    }
}
