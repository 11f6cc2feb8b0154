package org.jstackless.net;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import org.jstackless.Suspendable;
import org.jstackless.internal.io.IoAccess;
import org.jstackless.internal.io.IoHandle;

/** Shared by the socket types: waiting for readiness with a deadline, and the errors they raise. */
final class IoWaits {
    static final long NO_DEADLINE = Long.MIN_VALUE;
    private static final IoAccess IO = IoAccess.get();

    private IoWaits() {
    }

    /** The deadline for an operation starting now under {@code timeout} (null: none). */
    static long deadline(Duration timeout) {
        if (timeout == null) {
            return NO_DEADLINE;
        }
        long d = System.nanoTime() + timeout.toNanos();
        return d == NO_DEADLINE ? d + 1 : d;
    }

    /** Parks until {@code ch} is ready for {@code op}; a passed deadline raises SocketTimeoutException. */
    static void await(SelectableChannel ch, int op, long deadline, IoHandle h, String what)
            throws IOException, Suspendable {
        if (IO.await(ch, op, deadline, h) == null) {
            throw new SocketTimeoutException(what + " on " + h + " timed out");
        }
    }

    /** Wakes the tasklets waiting on {@code h}: the socket is being closed under them. */
    static void abort(IoHandle h) {
        if (h.reader != null || h.writer != null) {
            IO.abort(h, new SocketException(h + " was closed while this tasklet was waiting on it"));
        }
    }

    static SocketException closed(IoHandle h, ClosedChannelException e) {
        SocketException s = new SocketException(h + " is closed");
        s.initCause(e);
        return s;
    }

    static void checkTimeout(Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("a timeout must be positive (null: none), got " + d);
        }
    }
}
