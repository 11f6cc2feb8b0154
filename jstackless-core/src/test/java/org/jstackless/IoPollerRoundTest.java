package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jstackless.net.TaskletServerSocket;
import org.jstackless.net.TaskletSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The busy poller and many connections (issue 14): a scheduler that is never idle (a tasklet keeps
 * calling {@code schedule()}) serves {@value #CONNECTIONS} request/response connections whose
 * requests all come at once. A busy poll made before the woken tasklets had their turn would find
 * their sockets still ready with nobody waiting and drop their interest, which the tasklets add
 * back when they wait again: two epoll_ctl per request. The poller polls once per round instead,
 * so each connection's interest is set once, when it first waits, whatever the number of requests.
 */
class IoPollerRoundTest {
    static final int CONNECTIONS = 200;
    static final int ROUNDS = 20;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void interestIsSetOncePerConnectionNotPerRequest() throws Exception {
        long[] changes = new long[1];
        long[] answered = new long[1];
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                boolean[] done = {false};
                for (int i = 0; i < 2; i++) {
                    Tasklet.spawn(() -> {             // two keep the scheduler busy: polls are busy polls
                        while (!done[0]) {
                            Stackless.schedule();
                        }
                    });
                }
                Tasklet.spawn(() -> {
                    while (true) {
                        TaskletSocket c = server.accept();
                        Tasklet.spawn(() -> {
                            try (c) {
                                String line;
                                while ((line = c.readLine(100)) != null) {
                                    c.writeAll((line + "\n").getBytes(StandardCharsets.US_ASCII));
                                    answered[0]++;
                                }
                            }
                        });
                    }
                });
                CompletableFuture<Void> clients = CompletableFuture.runAsync(() -> runClients(server.port()));
                Stackless.await(clients);
                done[0] = true;
                changes[0] = Scheduler.current().io.interestChanges;
            }
        });
        assertThat(answered[0]).isEqualTo((long) CONNECTIONS * ROUNDS);
        // One per connection when it first waits (plus the listener's and a few for stragglers);
        // one or two per request before (4,000 requests here).
        assertThat(changes[0]).isLessThan(CONNECTIONS + 50);
    }

    /** Blocking clients on one platform thread: each round, every connection sends, then every one reads its answer. */
    private static void runClients(int port) {
        List<Socket> socks = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.setTcpNoDelay(true);
                s.setSoTimeout(30_000);
                socks.add(s);
            }
            for (int r = 0; r < ROUNDS; r++) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    OutputStream out = socks.get(i).getOutputStream();
                    out.write(("req " + i + " " + r + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                for (int i = 0; i < CONNECTIONS; i++) {
                    String want = "req " + i + " " + r + "\n";
                    InputStream in = socks.get(i).getInputStream();
                    byte[] got = in.readNBytes(want.length());
                    assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo(want);
                }
            }
            for (Socket s : socks) {
                s.close();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
