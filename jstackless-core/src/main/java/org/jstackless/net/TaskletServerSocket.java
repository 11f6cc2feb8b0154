package org.jstackless.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.jstackless.Suspendable;
import org.jstackless.internal.io.IoHandle;

/**
 * A listening TCP socket whose {@link #accept()} suspends only the calling tasklet: while no
 * connection is pending, the tasklet parks in its scheduler's readiness poller and the other
 * tasklets run.
 *
 * <pre>{@code
 * try (TaskletServerSocket server = TaskletServerSocket.listen(8080)) {
 *     while (true) {
 *         TaskletSocket c = server.accept();
 *         Tasklet.spawn(() -> serve(c));     // one tasklet per connection
 *     }
 * }
 * }</pre>
 *
 * <p>Works in soft and hard tasklets, in a {@code runAsMain} thread and in a {@code Schedulers}
 * pool. One tasklet at a time may wait in {@code accept}. {@link #close()} from anywhere wakes
 * that tasklet with a {@link java.net.SocketException}.
 */
public final class TaskletServerSocket implements AutoCloseable {
    private final ServerSocketChannel ch;
    private final IoHandle handle;
    private volatile boolean closed;
    private volatile Duration acceptTimeout;

    private TaskletServerSocket(ServerSocketChannel ch, String name) {
        this.ch = ch;
        this.handle = new IoHandle(name);
    }

    /** Listens on {@code port} of every local address (0: any free port; see {@link #port()}). */
    public static TaskletServerSocket listen(int port) throws IOException {
        return listen(new InetSocketAddress(port), 0);
    }

    /** Listens on the loopback address only (for tests and local tools). */
    public static TaskletServerSocket listenLoopback(int port) throws IOException {
        return listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    }

    /** Listens on {@code address} with an accept {@code backlog} (0: the system's default). */
    public static TaskletServerSocket listen(SocketAddress address, int backlog) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, backlog);
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new TaskletServerSocket(ch, "server socket " + ch.getLocalAddress());
    }

    /**
     * Waits (suspending only the caller) for the next connection and returns it, or throws
     * {@link java.net.SocketTimeoutException} once the accept timeout (if set) passes.
     */
    public TaskletSocket accept() throws IOException, Suspendable {
        long deadline = IoWaits.deadline(acceptTimeout);
        while (true) {
            SocketChannel c;
            try {
                c = ch.accept();
            } catch (ClosedChannelException e) {
                throw IoWaits.closed(handle, e);
            }
            if (c != null) {
                return TaskletSocket.wrap(c);
            }
            IoWaits.await(ch, SelectionKey.OP_ACCEPT, deadline, handle, "accept");
        }
    }

    /** Sets how long one {@link #accept()} may wait (null: forever, the default). */
    public TaskletServerSocket setAcceptTimeout(Duration timeout) {
        IoWaits.checkTimeout(timeout);
        this.acceptTimeout = timeout;
        return this;
    }

    /** The port it listens on. */
    public int port() {
        return localAddress().getPort();
    }

    /** The address it listens on. */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(handle + " is closed", e);
        }
    }

    /** Sets a socket option of the listening socket. */
    public <T> TaskletServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        ch.setOption(name, value);
        return this;
    }

    /** Reads a socket option of the listening socket. */
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return ch.getOption(name);
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return !closed && ch.isOpen();
    }

    /** Stops listening; a tasklet waiting in {@link #accept()} gets a {@link java.net.SocketException}. */
    @Override
    public void close() throws IOException {
        closed = true; // first: a waiter woken by the close already sees isOpen() false
        ch.close();    // then the channel, then the waiters: a tasklet parking meanwhile sees one of the two
        IoWaits.abort(handle);
    }

    @Override
    public String toString() {
        return handle.toString();
    }
}
