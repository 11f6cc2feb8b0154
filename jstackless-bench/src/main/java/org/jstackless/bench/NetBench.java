package org.jstackless.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.jstackless.net.TaskletServerSocket;
import org.jstackless.net.TaskletSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Question: what do sockets cost a tasklet — a loopback echo round trip through the scheduler's
 * readiness poller, next to the same server written with {@code Stackless.blocking} around blocking
 * streams (the only way before issue 14) and with a virtual thread per connection — and what does
 * a parked socket cost every switch?
 *
 * <p>How:
 * <ul>
 *   <li>{@code echo*}: the benchmark thread is the client, a plain blocking {@link Socket} on
 *       loopback sending {@value #MESSAGE} bytes and reading them back, {@value #ROUND_TRIPS} round
 *       trips per invocation; score per round trip. The server runs on a thread of its own:
 *       {@code echoTaskletSocket}: a soft tasklet of a {@code runAsMain} thread reading and writing
 *       a {@link TaskletSocket}; {@code echoTaskletSocketBusy}: the same while another tasklet of that
 *       scheduler keeps calling {@code schedule()}, so readiness is found by the busy-time poll
 *       ({@code jstackless.io.pollMicros}, default 250 µs, checked every 16 switches); {@code
 *       echoBlockingCalls}: a tasklet calling {@code Stackless.blocking(in::read)} then {@code
 *       blocking(write)}; {@code echoVirtualThread}: a virtual thread with blocking streams.</li>
 *   <li>{@code switchWithParkedSocket}, per {@code parkedSocket}: SwitchBench's two soft tasklets
 *       calling {@code schedule()} {@value #SWITCHES} times, with or without a third tasklet parked
 *       on a socket read (which turns the poller's switch-time check on); score per switch.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class NetBench {
    static final int MESSAGE = 64;
    static final int ROUND_TRIPS = 1_000;
    static final int SWITCHES = 10_000;

    /** An echo server of one kind on its own thread, and a connected blocking client. */
    public abstract static class Echo {
        Socket client;
        InputStream in;
        OutputStream out;
        final byte[] msg = new byte[MESSAGE];
        final byte[] back = new byte[MESSAGE];
        Thread serverThread;
        volatile boolean stop;

        abstract void serve(int[] port, CompletableFuture<Integer> ready) throws Exception;

        @Setup(Level.Trial)
        public void start() throws Exception {
            CompletableFuture<Integer> ready = new CompletableFuture<>();
            serverThread = Thread.ofPlatform().daemon(true).name("echo-server").start(() -> {
                try {
                    serve(null, ready);
                } catch (Throwable e) {
                    ready.completeExceptionally(e);
                }
            });
            client = new Socket(InetAddress.getLoopbackAddress(), ready.get(30, TimeUnit.SECONDS));
            client.setTcpNoDelay(true);
            in = client.getInputStream();
            out = client.getOutputStream();
        }

        long roundTrips() throws IOException {
            long sum = 0;
            for (int i = 0; i < ROUND_TRIPS; i++) {
                msg[0] = (byte) i;
                out.write(msg);
                int got = 0;
                while (got < MESSAGE) {
                    got += in.read(back, got, MESSAGE - got);
                }
                sum += back[0];
            }
            return sum;
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stop = true;
            client.close();
            serverThread.join(5_000);
        }
    }

    static void echoLoop(TaskletSocket c) throws IOException, Suspendable {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (c.read(buf.clear()) >= 0) {
            c.writeAll(buf.flip());
        }
    }

    @State(Scope.Thread)
    public static class TaskletEcho extends Echo {
        boolean busy;

        @Override
        void serve(int[] unused, CompletableFuture<Integer> ready) throws Exception {
            Switching.force(Mechanism.SOFT);
            Stackless.runAsMain(() -> {
                try (TaskletServerSocket s = TaskletServerSocket.listenLoopback(0)) {
                    if (busy) {
                        Tasklet.spawn(() -> {
                            while (!stop) {
                                Stackless.schedule();
                            }
                        });
                    }
                    ready.complete(s.port());
                    TaskletSocket c = s.accept();
                    Tasklet.spawn(() -> echoLoop(c)).run();
                    while (!stop) {
                        Stackless.sleep(Duration.ofMillis(50));
                    }
                }
            });
        }
    }

    @State(Scope.Thread)
    public static class BusyTaskletEcho extends TaskletEcho {
        @Override
        void serve(int[] unused, CompletableFuture<Integer> ready) throws Exception {
            busy = true;
            super.serve(unused, ready);
        }
    }

    @State(Scope.Thread)
    public static class BlockingEcho extends Echo {
        @Override
        void serve(int[] unused, CompletableFuture<Integer> ready) throws Exception {
            Switching.force(Mechanism.SOFT);
            Stackless.runAsMain(() -> {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    ready.complete(s.getLocalPort());
                    Socket c = Stackless.blocking(s::accept);
                    c.setTcpNoDelay(true);
                    InputStream i = c.getInputStream();
                    OutputStream o = c.getOutputStream();
                    byte[] buf = new byte[4096];
                    while (true) {
                        int n = Stackless.blocking(() -> i.read(buf));
                        if (n < 0) {
                            return;
                        }
                        Stackless.blocking(() -> {
                            o.write(buf, 0, n);
                            return null;
                        });
                    }
                } catch (IOException e) {
                    // the client closed
                }
            });
        }
    }

    @State(Scope.Thread)
    public static class VirtualThreadEcho extends Echo {
        @Override
        void serve(int[] unused, CompletableFuture<Integer> ready) throws Exception {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ready.complete(s.getLocalPort());
                Socket c = s.accept();
                c.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> {
                    try (c) {
                        InputStream i = c.getInputStream();
                        OutputStream o = c.getOutputStream();
                        byte[] buf = new byte[4096];
                        int n;
                        while ((n = i.read(buf)) >= 0) {
                            o.write(buf, 0, n);
                        }
                    } catch (IOException e) {
                        // the client closed
                    }
                }).join();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long echoTaskletSocket(TaskletEcho e) throws IOException {
        return e.roundTrips();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long echoTaskletSocketBusy(BusyTaskletEcho e) throws IOException {
        return e.roundTrips();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long echoBlockingCalls(BlockingEcho e) throws IOException {
        return e.roundTrips();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long echoVirtualThread(VirtualThreadEcho e) throws IOException {
        return e.roundTrips();
    }

    /** Two soft tasklets that switch; optionally a third parked on a socket. */
    @State(Scope.Thread)
    public static class Switchers {
        @Param({"false", "true"})
        public boolean parkedSocket;
        TaskletServerSocket server;
        Socket peer;
        Tasklet reader;
        int schedules;

        @Setup(Level.Trial)
        public void setUp() throws Exception, Suspendable {
            Switching.force(Mechanism.SOFT);
            if (parkedSocket) {
                server = TaskletServerSocket.listenLoopback(0);
                peer = new Socket(InetAddress.getLoopbackAddress(), server.port());
                reader = Tasklet.spawn(() -> server.accept().read(ByteBuffer.allocate(1)));
                Stackless.schedule(); // it accepts and parks on the read
            }
        }

        /** The second tasklet to finish says so here: main waits on it (run() would wait for the socket too). */
        final Channel<Object> done = new Channel<>();
        int finished;

        @Setup(Level.Invocation)
        public void spawn() {
            schedules = 0;
            finished = 0;
            Tasklet.spawn(this::half);
            Tasklet.spawn(this::half);
        }

        private void half() throws Suspendable {
            for (int i = 0; i < SWITCHES / 2; i++) {
                Stackless.schedule();
                schedules++;
            }
            if (++finished == 2) {
                done.send(null);
            }
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (schedules != SWITCHES) {
                throw new IllegalStateException("expected " + SWITCHES + " schedule() calls, saw " + schedules);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception, Suspendable {
            if (parkedSocket) {
                reader.kill();
                peer.close();
                server.close();
            }
            Switching.force(null);
        }
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public Object switchWithParkedSocket(Switchers s) throws Suspendable {
        return s.done.receive();
    }
}
