package org.jstackless.examples.docs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.net.TaskletServerSocket;
import org.jstackless.net.TaskletSocket;

/**
 * The example of docs/net.md: a line-echo server and three clients, all tasklets of one thread.
 * Each connection is straight-line code; while a socket is not ready only its tasklet waits.
 */
public final class LineEcho {
    private LineEcho() {
    }

    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                Tasklet.spawn(() -> {                              // the acceptor
                    while (true) {
                        TaskletSocket c = server.accept();
                        Tasklet.spawn(() -> {                      // one tasklet per connection
                            try (c) {
                                String line;
                                while ((line = c.readLine(1024)) != null) {
                                    c.writeAll((line.toUpperCase() + "\n").getBytes(StandardCharsets.UTF_8));
                                }
                            }
                        });
                    }
                });
                Channel<String> answers = new Channel<>();
                for (String word : List.of("alpha", "beta", "gamma")) {
                    Tasklet.spawn(() -> {                          // a client
                        try (TaskletSocket c = TaskletSocket.connectLoopback(server.port(), Duration.ofSeconds(10))) {
                            c.setReadTimeout(Duration.ofSeconds(10));
                            c.writeAll((word + "\n").getBytes(StandardCharsets.UTF_8));
                            answers.send(word + " -> " + c.readLine(1024));
                        }
                    });
                }
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    got.add(answers.receive());                    // main waits like any tasklet
                }
                got.sort(null);
                got.forEach(System.out::println);
            }
        });
    }
}
