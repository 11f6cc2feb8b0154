package org.jstackless.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14: 2,000 concurrent echo clients on loopback, every byte accounted for, against one
 * scheduler and against a 2-carrier pool. The clients are tasklets of their own thread, so the
 * test needs 2,000 + 2,000 file descriptors and no thread per connection. Size: {@code
 * -Djstackless.net.clients} (default 2,000).
 */
class EchoLoadTest {
    static final int CLIENTS = Integer.getInteger("jstackless.net.clients", 2_000);
    static final int ROUNDS = 5;

    /** One connection's echo loop: whatever comes in goes back; counts the bytes. */
    static void echo(TaskletSocket c, AtomicLong bytes) throws IOException, Suspendable {
        try (c) {
            ByteBuffer buf = ByteBuffer.allocate(512);
            while (true) {
                buf.clear();
                int n = c.read(buf);
                if (n < 0) {
                    return;
                }
                bytes.addAndGet(n);
                buf.flip();
                c.writeAll(buf);
            }
        }
    }

    /**
     * Runs the clients on a thread of their own: each connects, sends ROUNDS messages of a
     * client-specific size and content, checks each echo byte for byte, then half-closes and
     * expects the end of stream. Returns the bytes sent, or throws the first failure.
     */
    static long runClients(int port) throws Exception {
        CompletableFuture<Long> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("echo-clients").start(() -> {
            try {
                Stackless.runAsMain(() -> {
                    long[] sent = {0};
                    int[] done = {0};
                    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
                    for (int i = 0; i < CLIENTS; i++) {
                        int id = i;
                        Tasklet.spawn(() -> {
                            try (TaskletSocket c = TaskletSocket.connectLoopback(port, Duration.ofSeconds(60))) {
                                c.setReadTimeout(Duration.ofSeconds(60));
                                for (int r = 0; r < ROUNDS; r++) {
                                    int len = 1 + (id * 31 + r * 17) % 700;
                                    byte[] msg = new byte[len];
                                    for (int k = 0; k < len; k++) {
                                        msg[k] = (byte) (id + r + k);
                                    }
                                    c.writeAll(msg);
                                    sent[0] += len;
                                    byte[] back = new byte[len];
                                    c.readFully(back);
                                    if (!java.util.Arrays.equals(msg, back)) {
                                        throw new AssertionError("client " + id + " round " + r + ": echo differs");
                                    }
                                }
                                c.shutdownOutput();
                                if (c.read(ByteBuffer.allocate(1)) != -1) {
                                    throw new AssertionError("client " + id + ": bytes after the last echo");
                                }
                                done[0]++;
                            } catch (Throwable e) {
                                errors.add(e);
                            }
                        });
                    }
                    Stackless.run();
                    if (!errors.isEmpty()) {
                        AssertionError a = new AssertionError(errors.size() + " client(s) failed; first: " + errors.get(0));
                        a.initCause(errors.get(0));
                        throw a;
                    }
                    if (done[0] != CLIENTS) {
                        throw new AssertionError(done[0] + " of " + CLIENTS + " clients finished");
                    }
                    result.complete(sent[0]);
                });
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(120, TimeUnit.SECONDS);
        } finally {
            t.join(10_000);
        }
    }

    static long expectedBytes() {
        long total = 0;
        for (int id = 0; id < CLIENTS; id++) {
            for (int r = 0; r < ROUNDS; r++) {
                total += 1 + (id * 31 + r * 17) % 700;
            }
        }
        return total;
    }

    // issue 14: 2,000 concurrent echo clients against one scheduler (a runAsMain thread), every byte accounted for
    @Test
    @Timeout(180)
    void twoThousandClientsOneScheduler() throws Exception {
        AtomicLong echoed = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> serverDone = new CompletableFuture<>();
        Thread server = Thread.ofPlatform().name("echo-server").start(() -> {
            try {
                Stackless.runAsMain(() -> {
                    try (TaskletServerSocket s = TaskletServerSocket.listen(
                            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4096)) {
                        port.complete(s.port());
                        for (int i = 0; i < CLIENTS; i++) {
                            TaskletSocket c = s.accept();
                            accepted.incrementAndGet();
                            Tasklet.spawn(() -> echo(c, echoed));
                        }
                        Stackless.run(); // until every connection has ended
                    }
                });
                serverDone.complete(null);
            } catch (Throwable e) {
                serverDone.completeExceptionally(e);
                port.completeExceptionally(e);
            }
        });
        long sent = runClients(port.get(30, TimeUnit.SECONDS));
        serverDone.get(60, TimeUnit.SECONDS);
        server.join(10_000);
        assertThat(accepted.get()).isEqualTo(CLIENTS);
        assertThat(sent).isEqualTo(expectedBytes());
        assertThat(echoed.get()).isEqualTo(sent);
    }

    // issue 14: the same against a 2-carrier pool; connections are spread over both carriers
    @Test
    @Timeout(180)
    void twoThousandClientsTwoCarrierPool() throws Exception {
        AtomicLong echoed = new AtomicLong();
        AtomicLong ended = new AtomicLong();
        java.util.Set<Thread> carriers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (Schedulers pool = Schedulers.start(2);
             TaskletServerSocket s = TaskletServerSocket.listen(
                     new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4096)) {
            // One acceptor tasklet; each connection goes to the least-loaded carrier through pool.spawn.
            pool.spawn(() -> {
                for (int i = 0; i < CLIENTS; i++) {
                    TaskletSocket c = s.accept();
                    pool.spawn(() -> {
                        carriers.add(Thread.currentThread());
                        echo(c, echoed);
                        ended.incrementAndGet();
                    });
                }
            });
            long sent = runClients(s.port());
            assertThat(pool.join(Duration.ofSeconds(60))).isTrue();
            assertThat(ended.get()).isEqualTo(CLIENTS);
            assertThat(sent).isEqualTo(expectedBytes());
            assertThat(echoed.get()).isEqualTo(sent);
            assertThat(carriers).hasSize(2);
        }
    }
}
