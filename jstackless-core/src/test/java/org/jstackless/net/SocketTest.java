package org.jstackless.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 14: sockets that suspend only the calling tasklet, in every switching mechanism; kill,
 * throwInto, close and a peer reset while a tasklet waits; deadlines; buffered reading.
 */
class SocketTest {
    static final Duration T = Duration.ofSeconds(20);

    /** A connected pair on loopback: [0] the accepted side, [1] the connecting side. */
    static TaskletSocket[] pair(TaskletServerSocket server) throws Exception, Suspendable {
        TaskletSocket[] p = new TaskletSocket[2];
        Tasklet acceptor = Tasklet.spawn(() -> p[0] = server.accept());
        p[1] = TaskletSocket.connectLoopback(server.port(), T);
        while (acceptor.isAlive()) {
            Stackless.schedule();
        }
        return p;
    }

    // issue 14: echo through a tasklet server and a main-tasklet client; other tasklets keep running meanwhile
    @SwitchingTest
    void echoWhileOthersRun() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                Tasklet.spawn(() -> {
                    try (TaskletSocket c = server.accept()) {
                        byte[] buf = new byte[100];
                        int n;
                        while ((n = c.read(buf, 0, buf.length)) > 0) {
                            c.writeAll(buf, 0, n);
                        }
                    }
                });
                int[] ticks = {0};
                boolean[] stop = {false};
                Tasklet.spawn(() -> {
                    while (!stop[0]) { // busy but switching: the poller still runs every millisecond or so
                        ticks[0]++;
                        Stackless.schedule();
                    }
                });
                try (TaskletSocket c = TaskletSocket.connectLoopback(server.port(), T)) {
                    for (int i = 0; i < 50; i++) {
                        byte[] msg = ("message " + i).getBytes(StandardCharsets.UTF_8);
                        c.writeAll(msg);
                        byte[] back = new byte[msg.length];
                        c.readFully(back);
                        assertThat(back).isEqualTo(msg);
                    }
                }
                stop[0] = true;
                assertThat(ticks[0]).isPositive();
            }
        });
    }

    // issue 14: kill of a tasklet blocked in read wakes it at once with TaskletExit; the socket stays usable
    @SwitchingTest
    void killWakesAReaderAndTheSocketStaysUsable() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = pair(server);
                List<String> events = new ArrayList<>();
                Tasklet reader = Tasklet.spawn(() -> {
                    try {
                        p[0].read(ByteBuffer.allocate(10));
                        events.add("read returned");
                    } catch (TaskletExit e) {
                        events.add("killed");
                        throw e;
                    }
                });
                Stackless.schedule(); // the reader parks in the poller
                assertThat(reader.isAlive()).isTrue();
                long t0 = System.nanoTime();
                reader.kill();
                assertThat(events).containsExactly("killed");
                assertThat(reader.isAlive()).isFalse();
                assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
                p[1].writeAll("after".getBytes(StandardCharsets.UTF_8));
                byte[] got = new byte[5];
                p[0].readFully(got);
                assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("after");
                p[0].close();
                p[1].close();
            }
        });
    }

    static final class Poke extends RuntimeException {
        Poke() {
            super("poke");
        }
    }

    // issue 14: throwInto a tasklet blocked in write (send buffer full) raises the exception there at once
    @SwitchingTest
    void throwIntoAWriterBlockedOnAFullBuffer() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = pair(server);
                p[1].setOption(StandardSocketOptions.SO_SNDBUF, 4096);
                long[] written = {0};
                List<Throwable> caught = new ArrayList<>();
                Tasklet writer = Tasklet.spawn(() -> {
                    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                    try {
                        for (int i = 0; i < 10_000; i++) { // bounded: far more than the buffers hold
                            chunk.clear();
                            p[1].writeAll(chunk);
                            written[0] += chunk.capacity();
                        }
                    } catch (Poke e) {
                        caught.add(e);
                    }
                });
                for (int i = 0; i < 100 && writer.isScheduled(); i++) {
                    Stackless.schedule();
                }
                assertThat(writer.isAlive()).as("the writer waits for room").isTrue();
                writer.throwInto(new Poke());
                assertThat(caught).hasSize(1);
                assertThat(writer.isAlive()).isFalse();
                p[0].close();
                p[1].close();
            }
        });
    }

    // issue 14: closing a socket another tasklet reads raises a clear exception in the reader
    @SwitchingTest
    void closeWakesTheReaderWithAClearException() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = pair(server);
                List<Throwable> caught = new ArrayList<>();
                Tasklet reader = Tasklet.spawn(() -> {
                    try {
                        p[0].read(ByteBuffer.allocate(10));
                    } catch (IOException e) {
                        caught.add(e);
                    }
                });
                Stackless.schedule();
                p[0].close();
                for (int i = 0; i < 1000 && reader.isAlive(); i++) {
                    Stackless.schedule();
                }
                assertThat(caught).singleElement().isInstanceOf(SocketException.class)
                        .satisfies(e -> assertThat(e.getMessage()).contains("was closed while this tasklet was waiting"));
                assertThatThrownBy(() -> p[0].read(ByteBuffer.allocate(1))).isInstanceOf(SocketException.class)
                        .hasMessageContaining("is closed");
                p[1].close();
            }
        });
    }

    // issue 14: a peer reset is an IOException in the tasklet that reads; another connection goes on
    @SwitchingTest
    void peerResetOnlyHitsItsReader() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] a = pair(server);
                TaskletSocket[] b = pair(server);
                List<Object> results = new ArrayList<>();
                Tasklet ra = Tasklet.spawn(() -> {
                    try {
                        results.add(a[0].read(ByteBuffer.allocate(10)));
                    } catch (IOException e) {
                        results.add(e);
                    }
                });
                Tasklet rb = Tasklet.spawn(() -> results.add(b[0].read(ByteBuffer.allocate(10))));
                Stackless.schedule();
                a[1].setOption(StandardSocketOptions.SO_LINGER, 0);
                a[1].close(); // RST
                for (int i = 0; i < 10_000 && ra.isAlive(); i++) {
                    Stackless.sleep(Duration.ofMillis(1));
                }
                assertThat(results).singleElement().isInstanceOf(IOException.class);
                assertThat(rb.isAlive()).isTrue();
                b[1].writeAll(new byte[] {1, 2, 3});
                for (int i = 0; i < 10_000 && rb.isAlive(); i++) {
                    Stackless.sleep(Duration.ofMillis(1));
                }
                assertThat(results).hasSize(2).element(1).isEqualTo(3);
                a[0].close();
                b[0].close();
                b[1].close();
            }
        });
    }

    // issue 14: a read deadline raises SocketTimeoutException after at least the timeout; the socket stays usable
    @SwitchingTest
    void readDeadline() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = pair(server);
                p[0].setReadTimeout(Duration.ofMillis(150));
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> p[0].readFully(new byte[4])).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("read on socket");
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
                p[1].writeAll(new byte[] {9, 8, 7, 6});
                byte[] got = new byte[4];
                p[0].readFully(got);
                assertThat(got).containsExactly(9, 8, 7, 6);
                server.setAcceptTimeout(Duration.ofMillis(100));
                assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
                p[0].close();
                p[1].close();
            }
        });
    }

    // issue 14: a kill beats a deadline: the timer is cancelled with the socket wait
    @SwitchingTest
    void killOfAReaderWithADeadline() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = pair(server);
                p[0].setReadTimeout(Duration.ofSeconds(30));
                Tasklet reader = Tasklet.spawn(() -> p[0].read(ByteBuffer.allocate(1)));
                Stackless.schedule();
                reader.kill();
                assertThat(reader.isAlive()).isFalse();
                // a sleep afterwards is not disturbed by the cancelled timer
                long t0 = System.nanoTime();
                Stackless.sleep(Duration.ofMillis(20));
                assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(10));
                p[0].close();
                p[1].close();
            }
        });
    }

    // issue 14: lines, frames, half-close
    @SwitchingTest
    void linesFramesAndHalfClose() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = pair(server);
                p[1].writeAll("one\r\ntwo\nthree".getBytes(StandardCharsets.UTF_8));
                p[1].writeFrame("framed".getBytes(StandardCharsets.UTF_8));
                p[1].writeAll("x".repeat(50).getBytes(StandardCharsets.UTF_8));
                p[1].shutdownOutput();
                assertThat(p[0].readLine(100)).isEqualTo("one");
                assertThat(p[0].readLine(100)).isEqualTo("two");
                byte[] three = new byte[5];
                p[0].readFully(three);
                assertThat(new String(three, StandardCharsets.UTF_8)).isEqualTo("three");
                assertThat(new String(p[0].readFrame(100), StandardCharsets.UTF_8)).isEqualTo("framed");
                assertThatThrownBy(() -> p[0].readLine(10)).isInstanceOf(ProtocolException.class)
                        .hasMessageContaining("longer than 10 bytes");
                // half-closed: the other direction still works
                p[0].writeAll("back\n".getBytes(StandardCharsets.UTF_8));
                assertThat(p[1].readLine(100)).isEqualTo("back");
                p[0].close();
                p[1].close();
            }
        });
    }

    // issue 14: end of stream: null line, EOFException inside readFully, oversized frame refused
    @SwitchingTest
    void endOfStreamAndBadFrames() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = pair(server);
                p[1].writeAll(new byte[] {0x7f, 0, 0, 0});
                assertThatThrownBy(() -> p[0].readFrame(1024)).isInstanceOf(ProtocolException.class)
                        .hasMessageContaining("the limit is 1024");
                p[1].writeAll(new byte[] {1, 2});
                p[1].shutdownOutput();
                assertThatThrownBy(() -> p[0].readFully(new byte[3])).isInstanceOf(EOFException.class);
                assertThat(p[0].readLine(10)).isNull();
                assertThat(p[0].read(ByteBuffer.allocate(4))).isEqualTo(-1);
                p[0].close();
                p[1].close();
            }
        });
    }

    // issue 14: a second reader of one socket is refused clearly; the first goes on
    @SwitchingTest
    void secondReaderRefused() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = pair(server);
                int[] first = {0};
                Tasklet.spawn(() -> first[0] = p[0].read(ByteBuffer.allocate(10)));
                Stackless.schedule();
                assertThatThrownBy(() -> p[0].read(ByteBuffer.allocate(10)))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("is already reading from socket");
                p[1].writeAll(new byte[] {5});
                for (int i = 0; i < 10_000 && first[0] == 0; i++) {
                    Stackless.sleep(Duration.ofMillis(1));
                }
                assertThat(first[0]).isEqualTo(1);
                p[0].close();
                p[1].close();
            }
        });
    }

    // issue 14: pickling a tasklet blocked in I/O is refused, naming the socket
    @SwitchingTest
    void picklingATaskletInIoIsRefused() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = pair(server);
                Tasklet reader = Tasklet.spawn(() -> p[0].read(ByteBuffer.allocate(10)));
                Stackless.schedule();
                Pickler pickler = Pickler.builder().signingKey("a key of sixteen bytes".getBytes(StandardCharsets.UTF_8)).build();
                assertThatThrownBy(() -> pickler.dumps(reader)).isInstanceOf(NotPicklableException.class)
                        .hasMessageContaining("waits for I/O on socket").hasMessageContaining("sockets are not data");
                reader.kill();
                p[0].close();
                p[1].close();
            }
        });
    }

    // issue 14: connecting to a port nobody listens on fails with an IOException, nothing left open
    @SwitchingTest
    void connectRefused() throws Throwable {
        Stackless.runAsMain(() -> {
            int port;
            try (TaskletServerSocket s = TaskletServerSocket.listenLoopback(0)) {
                port = s.port();
            }
            assertThatThrownBy(() -> TaskletSocket.connectLoopback(port, T)).isInstanceOf(IOException.class);
        });
    }
}
