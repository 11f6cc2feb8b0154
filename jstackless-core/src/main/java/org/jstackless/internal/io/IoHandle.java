package org.jstackless.internal.io;

/**
 * One socket's link to the schedulers that poll it: the waits of the tasklet reading it and of the
 * tasklet writing it (opaque here; owned by the core's poller), so that closing the socket from
 * anywhere can wake them. Its {@link #toString()} names the socket in refusals (pickling, a second
 * reader).
 *
 * <p>Invariant: {@code reader}/{@code writer} is the wait of a tasklet parked for that direction on
 * this socket, or null; each is set and cleared only by the thread of the scheduler the wait
 * belongs to, and read by any thread (to hand a close to that scheduler).
 */
public final class IoHandle {
    /** A String, or something whose toString() describes the socket when asked (kept lazy: it costs heap per connection). */
    private final Object name;
    /** The parked reader's wait (read, accept), or null. */
    public volatile Object reader;
    /** The parked writer's wait (write, connect), or null. */
    public volatile Object writer;

    /** A handle for the socket {@code name} describes (its toString() is called only for messages). */
    public IoHandle(Object name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return name.toString();
    }
}
