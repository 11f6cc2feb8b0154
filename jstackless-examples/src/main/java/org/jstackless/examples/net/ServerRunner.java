package org.jstackless.examples.net;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.jstackless.net.TaskletServerSocket;
import org.jstackless.net.TaskletSocket;

/**
 * What the network examples share: one listening socket, one tasklet per connection, on one
 * scheduler ({@code runAsMain}) or on a {@link Schedulers} pool of N carriers (connections start on
 * the least-loaded carrier and idle carriers steal runnable ones), the {@code listening on PORT}
 * line, and a clean stop on SIGTERM or {@link #stop()}.
 */
public final class ServerRunner {
    /** Serves one accepted connection (in its own tasklet); closes it when done. */
    @FunctionalInterface
    public interface Handler {
        void handle(TaskletSocket connection) throws Exception, Suspendable;
    }

    private final TaskletServerSocket server;
    private final int carriers;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ServerRunner(TaskletServerSocket server, int carriers) {
        this.server = server;
        this.carriers = carriers;
    }

    /** Binds {@code port} (0: any free one) on every address, or on loopback only when {@code loopback}. */
    public static ServerRunner bind(int port, int carriers, boolean loopback) throws IOException {
        if (carriers < 1) {
            throw new IllegalArgumentException("--carriers must be at least 1, got " + carriers);
        }
        InetSocketAddress a = loopback ? new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port)
                : new InetSocketAddress(port);
        return new ServerRunner(TaskletServerSocket.listen(a, 4096), carriers);
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /**
     * Serves until {@link #stop()}: prints {@code listening on PORT} to {@code out} once ready, then
     * accepts forever. Returns once stopped; connections still open are dropped with their schedulers.
     */
    public void serve(Handler handler, PrintStream out) throws Exception {
        try {
            if (carriers == 1) {
                Stackless.runAsMain(() -> {
                    out.println("listening on " + port());
                    out.flush();
                    acceptLoop(handler, Tasklet::spawn);
                });
            } else {
                try (Schedulers pool = Schedulers.start(carriers)) {
                    CountDownLatch done = new CountDownLatch(1);
                    pool.spawn(() -> {
                        try {
                            acceptLoop(handler, pool::spawn);
                        } finally {
                            done.countDown();
                        }
                    });
                    out.println("listening on " + port());
                    out.flush();
                    done.await();
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    private interface Spawner {
        Tasklet spawn(TaskletBody body);
    }

    private void acceptLoop(Handler handler, Spawner spawner) throws IOException, Suspendable {
        while (true) {
            TaskletSocket c;
            try {
                c = server.accept();
            } catch (SocketException e) {
                if (!server.isOpen()) {
                    return; // stop() closed it
                }
                throw e;
            }
            spawner.spawn(() -> {
                try (c) {
                    handler.handle(c);
                } catch (IOException e) {
                    // that connection's own trouble (reset, timeout, bad input): only it ends
                }
            });
        }
    }

    /** Stops accepting; {@link #serve} returns. Any thread. */
    public void stop() throws IOException {
        server.close();
    }

    /** Waits up to {@code millis} for {@link #serve} to return. */
    public boolean awaitStopped(long millis) throws InterruptedException {
        return stopped.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Parses {@code --port P [--carriers N]}, binds, serves until SIGTERM. */
    public static void main(String name, String[] args, Handler handler) throws Exception {
        int port = -1;
        int carriers = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--port") || a.equals("--carriers")) && i + 1 < args.length) {
                int v;
                try {
                    v = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    throw usage(name, a + " needs a number, got " + args[i]);
                }
                if (a.equals("--port")) {
                    port = v;
                } else {
                    carriers = v;
                }
            } else {
                throw usage(name, "unknown argument " + a);
            }
        }
        if (port < 0 || port > 65535) {
            throw usage(name, "--port PORT is required (0..65535; 0 picks a free port)");
        }
        ServerRunner r = bind(port, carriers, false);
        Thread mainThread = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                r.stop();
                if (!r.awaitStopped(2_000)) {
                    mainThread.interrupt();
                }
            } catch (IOException | InterruptedException e) {
                // stopping anyway
            }
            System.out.println("stopped");
            System.out.flush();
        }, name + "-stop"));
        r.serve(handler, System.out);
    }

    private static IllegalArgumentException usage(String name, String problem) {
        return new IllegalArgumentException(problem + "\nusage: ./jstackless example " + name + " --port PORT"
                + (name.equals("chat-server") ? "" : " [--carriers N]"));
    }
}
