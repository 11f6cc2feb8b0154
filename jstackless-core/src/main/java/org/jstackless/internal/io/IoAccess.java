package org.jstackless.internal.io;

import java.nio.channels.SelectableChannel;
import org.jstackless.Suspendable;

/**
 * The bridge from the socket API ({@code org.jstackless.net}) to the scheduler's readiness poller,
 * which lives in {@code org.jstackless} next to the scheduler state it works on. The core installs
 * the implementation when its poller class initialises; {@link #get()} makes sure it has.
 */
public abstract class IoAccess {
    private static volatile IoAccess impl;

    /** Called once by the core's poller. */
    protected static void install(IoAccess a) {
        impl = a;
    }

    /** The implementation. */
    public static IoAccess get() {
        IoAccess a = impl;
        if (a == null) {
            try {
                Class.forName("org.jstackless.IoPoller", true, IoAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jstackless core is incomplete: no IoPoller", e);
            }
            a = impl;
        }
        return a;
    }

    /**
     * Parks the running tasklet until {@code ch} (non-blocking) is ready for {@code ops}
     * ({@link java.nio.channels.SelectionKey} bits; read/accept or write/connect, not both), or
     * until {@code deadline} ({@link System#nanoTime()} units; {@link Long#MIN_VALUE}: none).
     * Returns {@code Boolean.TRUE} when ready, null when the deadline passed (an object, not a
     * boolean: a soft tasklet's resumption hands it back boxed). A kill or throwInto wakes it at
     * once with the exception; {@link #abort} wakes it with the given one.
     */
    public abstract Object await(SelectableChannel ch, int ops, long deadline, IoHandle h) throws Suspendable;

    /** Any thread: wakes the tasklets parked on {@code h} with {@code error} (the socket is being closed). */
    public abstract void abort(IoHandle h, Throwable error);
}
