package org.jstackless.net;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jstackless.Suspendable;
import org.jstackless.internal.io.IoHandle;

/**
 * A TCP connection whose reads and writes suspend only the calling tasklet: when the socket cannot
 * proceed, the tasklet parks in its scheduler's readiness poller (no thread is blocked) and the
 * other tasklets run; it resumes when the socket is ready. Straight-line code, one tasklet per
 * connection:
 *
 * <pre>{@code
 * TaskletSocket c = server.accept();
 * Tasklet.spawn(() -> {
 *     try (c) {
 *         String line;
 *         while ((line = c.readLine(1024)) != null) {
 *             c.writeAll((line + "\n").getBytes(StandardCharsets.UTF_8));
 *         }
 *     }
 * });
 * }</pre>
 *
 * <p>Semantics:
 * <ul>
 * <li>{@link #read(ByteBuffer)} waits until at least one byte is there and returns how many were
 *     read, -1 at end of stream; {@link #readFully} reads exactly, {@link #writeAll} writes
 *     everything. {@link #readLine} and {@link #readFrame} read through an internal buffer that
 *     the plain reads drain first, so they can be mixed.</li>
 * <li>Deadlines: {@link #setReadTimeout}/{@link #setWriteTimeout} bound each operation (a
 *     {@code readFully} or {@code writeAll} as a whole), raising
 *     {@link SocketTimeoutException}; the socket stays usable.</li>
 * <li>A {@code kill}/{@code throwInto} of a tasklet waiting here wakes it at once with the
 *     exception; nothing is lost from the socket, which others may go on using. {@link #close()}
 *     from another tasklet or thread wakes a waiting reader or writer with a
 *     {@link java.net.SocketException} saying the socket was closed. A reset by the peer is an
 *     {@link IOException} in the tasklet that reads or writes, and nothing else.</li>
 * <li>One tasklet at a time may read, and one may write (a second one is refused with
 *     {@link IllegalStateException}); a reader and a writer may work at the same time.</li>
 * <li>A tasklet waiting here cannot be pickled: sockets are not data.</li>
 * </ul>
 * Works from soft and hard tasklets, in {@code runAsMain} threads and in {@code Schedulers}
 * pools. Not for concurrent use from several threads without tasklets.
 */
public final class TaskletSocket implements AutoCloseable {
    private static final int BUFFER = 8192;

    private final SocketChannel ch;
    private final IoHandle handle;
    private volatile boolean closed;
    private volatile Duration readTimeout;
    private volatile Duration writeTimeout;
    /** Bytes read ahead by readLine/readFrame, in read mode (position..limit); null until first used. */
    private ByteBuffer in;
    /**
     * The last read returned less than it had room for, so it emptied the socket's receive queue:
     * the next read would most likely find nothing (in a request/response exchange the peer sends
     * again only after our answer), so it waits for readiness first instead of making a system
     * call that fails. If data did come meanwhile, the poller reports the socket ready at once.
     */
    private boolean drained;

    private TaskletSocket(SocketChannel ch) {
        this.ch = ch;
        this.handle = new IoHandle(this); // named by describe(), only when a message needs it
    }

    static TaskletSocket wrap(SocketChannel c) throws IOException {
        try {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new TaskletSocket(c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** "socket LOCAL<->REMOTE", computed on demand (an idle connection should hold no strings). */
    private String describe() {
        try {
            return "socket " + ch.getLocalAddress() + "<->" + ch.getRemoteAddress();
        } catch (IOException e) {
            return "socket (closed) " + ch;
        }
    }

    /** Connects to {@code host:port}, waiting at most {@code timeout} (null: the system's limit). */
    public static TaskletSocket connect(String host, int port, Duration timeout) throws IOException, Suspendable {
        return connect(new InetSocketAddress(host, port), timeout);
    }

    /** Connects to {@code port} on the loopback address. */
    public static TaskletSocket connectLoopback(int port, Duration timeout) throws IOException, Suspendable {
        return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeout);
    }

    /**
     * Connects to {@code address}, suspending the caller meanwhile; after {@code timeout} (null:
     * the system's own limit) the attempt is abandoned with {@link SocketTimeoutException}. On any
     * failure, a kill included, nothing is left open.
     */
    public static TaskletSocket connect(SocketAddress address, Duration timeout) throws IOException, Suspendable {
        IoWaits.checkTimeout(timeout);
        long deadline = IoWaits.deadline(timeout);
        SocketChannel c = SocketChannel.open();
        IoHandle h = new IoHandle("socket connecting to " + address);
        boolean ok = false;
        try {
            c.configureBlocking(false);
            if (!c.connect(address)) {
                while (true) {
                    IoWaits.await(c, SelectionKey.OP_CONNECT, deadline, h, "connect");
                    if (c.finishConnect()) {
                        break;
                    }
                }
            }
            TaskletSocket s = wrap(c);
            ok = true;
            return s;
        } finally {
            if (!ok) {
                c.close();
            }
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads into {@code dst}: waits until at least one byte is available, then returns how many
     * were read (0 only if {@code dst} is full), or -1 at end of stream.
     */
    public int read(ByteBuffer dst) throws IOException, Suspendable {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (in != null && in.hasRemaining()) {
            int n = drain(dst);
            release();
            return n;
        }
        return readChannel(dst, IoWaits.deadline(readTimeout));
    }

    /** Reads into {@code b[off, off+len)} as {@link #read(ByteBuffer)}. */
    public int read(byte[] b, int off, int len) throws IOException, Suspendable {
        return read(ByteBuffer.wrap(b, off, len));
    }

    /** Reads until {@code dst} is full; {@link EOFException} if the stream ends first. */
    public void readFully(ByteBuffer dst) throws IOException, Suspendable {
        long deadline = IoWaits.deadline(readTimeout);
        if (in != null && in.hasRemaining()) {
            drain(dst);
            release();
        }
        while (dst.hasRemaining()) {
            if (readChannel(dst, deadline) < 0) {
                throw new EOFException(handle + " ended with " + dst.remaining() + " byte(s) still expected");
            }
        }
    }

    /** Reads exactly {@code len} bytes into {@code b} at {@code off}. */
    public void readFully(byte[] b, int off, int len) throws IOException, Suspendable {
        readFully(ByteBuffer.wrap(b, off, len));
    }

    /** Reads exactly {@code b.length} bytes. */
    public void readFully(byte[] b) throws IOException, Suspendable {
        readFully(ByteBuffer.wrap(b));
    }

    /**
     * Reads one line (UTF-8) ending in {@code \n}, without it and without a {@code \r} before it;
     * the last line may end at the end of the stream; null at the end of the stream. A line longer
     * than {@code maxLength} bytes raises {@link ProtocolException} (what was read stays consumed:
     * close the connection).
     */
    public String readLine(int maxLength) throws IOException, Suspendable {
        long deadline = IoWaits.deadline(readTimeout);
        ByteBuffer b = buffer(Math.min(maxLength + 2, BUFFER));
        int scanned = 0;
        while (true) {
            int start = b.position();
            for (int i = start + scanned; i < b.limit(); i++) {
                if (b.get(i) == '\n') {
                    int end = i > start && b.get(i - 1) == '\r' ? i - 1 : i;
                    if (end - start > maxLength) {
                        throw tooLong(maxLength);
                    }
                    String s = new String(b.array(), b.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
                    b.position(i + 1);
                    release();
                    return s;
                }
            }
            scanned = b.remaining();
            if (scanned > maxLength + 1) {
                throw tooLong(maxLength);
            }
            if (fill(maxLength + 2, deadline) < 0) {
                b = in;
                if (!b.hasRemaining()) {
                    release();
                    return null;
                }
                String s = new String(b.array(), b.arrayOffset() + b.position(), b.remaining(), StandardCharsets.UTF_8);
                b.position(b.limit());
                release();
                return s;
            }
            b = in;
        }
    }

    private ProtocolException tooLong(int maxLength) {
        return new ProtocolException("a line from " + handle + " is longer than " + maxLength + " bytes");
    }

    /**
     * Reads one length-prefixed frame: a 4-byte big-endian length, then that many bytes. Null at
     * the end of the stream before a frame starts; {@link EOFException} inside a frame;
     * {@link ProtocolException} for a length above {@code maxLength} or negative (nothing of that
     * frame's body is read).
     */
    public byte[] readFrame(int maxLength) throws IOException, Suspendable {
        long deadline = IoWaits.deadline(readTimeout);
        buffer(BUFFER);
        while (in.remaining() < 4) {
            if (fill(4, deadline) < 0) {
                if (!in.hasRemaining()) {
                    release();
                    return null;
                }
                throw new EOFException(handle + " ended inside a frame's length");
            }
        }
        int n = in.getInt();
        if (n < 0 || n > maxLength) {
            throw new ProtocolException("a frame from " + handle + " announces " + n + " bytes; the limit is " + maxLength);
        }
        byte[] body = new byte[n];
        ByteBuffer dst = ByteBuffer.wrap(body);
        drain(dst);
        release();
        while (dst.hasRemaining()) {
            if (readChannel(dst, deadline) < 0) {
                throw new EOFException(handle + " ended inside a frame (" + dst.remaining() + " of " + n + " bytes missing)");
            }
        }
        return body;
    }

    /**
     * The read-ahead buffer, with room for at least {@code capacity} bytes: borrowed from the
     * thread's spare buffers while this socket has bytes read ahead, handed back once they are all
     * consumed ({@link #release}); so an idle connection holds no buffer (a few KiB each, with many
     * thousands of connections).
     */
    private ByteBuffer buffer(int capacity) {
        if (in == null) {
            ByteBuffer b = capacity <= BUFFER ? SPARE.get().poll() : null;
            in = (b != null ? b.clear() : ByteBuffer.allocate(Math.max(capacity, BUFFER))).flip();
        }
        return in;
    }

    /** Hands the read-ahead buffer back to the thread's spares if nothing is left in it. */
    private void release() {
        ByteBuffer b = in;
        if (b != null && !b.hasRemaining()) {
            in = null;
            if (b.capacity() == BUFFER) {
                java.util.ArrayDeque<ByteBuffer> spare = SPARE.get();
                if (spare.size() < MAX_SPARE) {
                    spare.push(b);
                }
            }
        }
    }

    /** Per thread (tasklets of one thread run one at a time): empty read-ahead buffers to reuse. */
    private static final ThreadLocal<java.util.ArrayDeque<ByteBuffer>> SPARE =
            ThreadLocal.withInitial(java.util.ArrayDeque::new);
    private static final int MAX_SPARE = 64;

    /**
     * Reads more into the read-ahead buffer, growing it (to at least {@code want} bytes) only when
     * it is full of unread bytes; returns the count or -1 at end of stream. With nothing read
     * ahead, it waits for data without holding a buffer, so that a connection waiting for its next
     * request costs no buffer.
     */
    private int fill(int want, long deadline) throws IOException, Suspendable {
        while (true) {
            ByteBuffer b = in;
            if (b.remaining() == b.capacity()) {
                // Growing only a full buffer keeps the usual one at BUFFER bytes, which goes back to
                // the spares: growing whenever want > capacity (a line limit of 8 KiB asks 8,194
                // bytes) allocated 16 KiB per HTTP request.
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(want, b.capacity() * 2));
                bigger.put(b).flip();
                b = in = bigger;
            }
            b.compact();
            int n;
            try {
                n = readOrSkip(b);
            } finally {
                b.flip();
            }
            if (n != 0) {
                return n;
            }
            release(); // only if empty
            IoWaits.await(ch, SelectionKey.OP_READ, deadline, handle, "read");
            buffer(Math.min(want, BUFFER)); // a spare if it was released; grown above if ever full
        }
    }

    private int drain(ByteBuffer dst) {
        ByteBuffer b = in;
        if (b == null || !b.hasRemaining()) {
            return 0;
        }
        int n = Math.min(dst.remaining(), b.remaining());
        int lim = b.limit();
        b.limit(b.position() + n);
        dst.put(b);
        b.limit(lim);
        return n;
    }

    /** Reads into {@code b} (in write mode), or returns 0 without trying when {@link #drained}. */
    private int readOrSkip(ByteBuffer b) throws IOException {
        if (drained) {
            drained = false;
            return 0;
        }
        int room = b.remaining();
        int n;
        try {
            n = ch.read(b);
        } catch (ClosedChannelException e) {
            throw IoWaits.closed(handle, e);
        }
        drained = n > 0 && n < room;
        return n;
    }

    private int readChannel(ByteBuffer dst, long deadline) throws IOException, Suspendable {
        while (true) {
            int n = readOrSkip(dst);
            if (n != 0) {
                return n;
            }
            IoWaits.await(ch, SelectionKey.OP_READ, deadline, handle, "read");
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes from {@code src}: waits until at least one byte can be written; returns how many were. */
    public int write(ByteBuffer src) throws IOException, Suspendable {
        if (!src.hasRemaining()) {
            return 0;
        }
        long deadline = IoWaits.deadline(writeTimeout);
        while (true) {
            int n = writeNow(src);
            if (n > 0) {
                return n;
            }
            IoWaits.await(ch, SelectionKey.OP_WRITE, deadline, handle, "write");
        }
    }

    /** Writes all of {@code src}, suspending while the socket's send buffer is full. */
    public void writeAll(ByteBuffer src) throws IOException, Suspendable {
        long deadline = IoWaits.deadline(writeTimeout);
        while (src.hasRemaining()) {
            if (writeNow(src) == 0) {
                IoWaits.await(ch, SelectionKey.OP_WRITE, deadline, handle, "write");
            }
        }
    }

    /** Writes all of {@code b[off, off+len)}. */
    public void writeAll(byte[] b, int off, int len) throws IOException, Suspendable {
        writeAll(ByteBuffer.wrap(b, off, len));
    }

    /** Writes all of {@code b}. */
    public void writeAll(byte[] b) throws IOException, Suspendable {
        writeAll(ByteBuffer.wrap(b));
    }

    /** Writes {@code body} as one frame for {@link #readFrame}: its length (4 bytes, big-endian), then it. */
    public void writeFrame(byte[] body) throws IOException, Suspendable {
        ByteBuffer b = ByteBuffer.allocate(4 + body.length);
        b.putInt(body.length).put(body).flip();
        writeAll(b);
    }

    private int writeNow(ByteBuffer src) throws IOException {
        try {
            return ch.write(src);
        } catch (ClosedChannelException e) {
            throw IoWaits.closed(handle, e);
        }
    }

    // ---------------------------------------------------------------- options and life cycle

    /** Bounds each read operation (null: no bound, the default); past it, {@link SocketTimeoutException}. */
    public TaskletSocket setReadTimeout(Duration timeout) {
        IoWaits.checkTimeout(timeout);
        this.readTimeout = timeout;
        return this;
    }

    /** Bounds each write operation (null: no bound, the default); past it, {@link SocketTimeoutException}. */
    public TaskletSocket setWriteTimeout(Duration timeout) {
        IoWaits.checkTimeout(timeout);
        this.writeTimeout = timeout;
        return this;
    }

    /** Sets a socket option ({@link StandardSocketOptions}); {@code TCP_NODELAY} is on by default. */
    public <T> TaskletSocket setOption(SocketOption<T> name, T value) throws IOException {
        ch.setOption(name, value);
        return this;
    }

    /** Reads a socket option. */
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return ch.getOption(name);
    }

    /** The local address. */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) ch.getLocalAddress();
    }

    /** The peer's address. */
    public InetSocketAddress remoteAddress() throws IOException {
        return (InetSocketAddress) ch.getRemoteAddress();
    }

    /** Half-close: no more writes; the peer reads end of stream. Reading goes on. */
    public void shutdownOutput() throws IOException {
        ch.shutdownOutput();
    }

    /** Half-close: no more reads (they return end of stream). Writing goes on. */
    public void shutdownInput() throws IOException {
        ch.shutdownInput();
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return !closed && ch.isOpen();
    }

    /**
     * Closes the connection. A tasklet waiting to read or write it (on any thread) is woken with a
     * {@link java.net.SocketException} saying so. Closing twice does nothing.
     */
    @Override
    public void close() throws IOException {
        closed = true; // first: a waiter woken by the close already sees isOpen() false
        ch.close();    // then the channel, then the waiters: a tasklet parking meanwhile sees one of the two
        IoWaits.abort(handle);
    }

    @Override
    public String toString() {
        return describe();
    }
}
