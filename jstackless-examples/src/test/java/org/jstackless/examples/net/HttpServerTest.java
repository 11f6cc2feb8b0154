package org.jstackless.examples.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14: the http-server example answers 100 good keep-alive clients completely while bad ones
 * (garbage, a 1 MB header, a disconnect mid-request, a client sending a byte at a time) get their
 * 400/431/408 and lose only their own connection; on one scheduler and on a 2-carrier pool.
 */
class HttpServerTest {
    static final int GOOD = 100;
    static final int REQUESTS = 10;

    /** A plain blocking HTTP client on its own thread (independent of jstackless). */
    static final class Client implements AutoCloseable {
        final Socket s;
        final InputStream in;
        final OutputStream out;

        Client(int port) throws IOException {
            s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(30_000);
            in = s.getInputStream();
            out = s.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Reads one response: status line, headers, Content-Length body. Null at end of stream. */
        String[] response() throws IOException {
            String status = line();
            if (status == null) {
                return null;
            }
            int length = 0;
            String h;
            while (!(h = line()).isEmpty()) {
                if (h.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            return new String[] {status, new String(body, StandardCharsets.UTF_8)};
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    @ParameterizedTest(name = "carriers={0}")
    @ValueSource(ints = {1, 2})
    @Timeout(120)
    void goodClientsGetEveryAnswerWhileBadOnesAreRejected(int carriers) throws Exception {
        ServerRunner runner = ServerRunner.bind(0, carriers, true);
        HttpServer http = new HttpServer(Duration.ofSeconds(30), Duration.ofSeconds(1));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Thread server = Thread.ofPlatform().name("http-under-test").start(() -> {
            try {
                runner.serve(http::handle, new PrintStream(printed, true, StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        int port = runner.port();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> bad = new ArrayList<>();
            bad.add(pool.submit(() -> { // garbage
                try (Client c = new Client(port)) {
                    c.send("\u0001\u0002 this is not HTTP\r\n\r\n");
                    String[] r = c.response();
                    return r[0] + (c.response() == null ? " then closed" : " then more");
                }
            }));
            bad.add(pool.submit(() -> { // a 1 MB header
                try (Client c = new Client(port)) {
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            c.send("GET /hello HTTP/1.1\r\nX-Big: " + "a".repeat(1 << 20) + "\r\n\r\n");
                        } catch (IOException e) {
                            // the server may stop reading: fine
                        }
                    });
                    String[] r = c.response();
                    writer.join(10_000);
                    return r[0];
                }
            }));
            bad.add(pool.submit(() -> { // disconnects mid-request
                try (Client c = new Client(port)) {
                    c.send("GET /hello HTTP/1.1\r\nHost: x\r\n");
                }
                return "gone";
            }));
            bad.add(pool.submit(() -> { // a byte at a time, slower than the head timeout allows
                try (Client c = new Client(port)) {
                    c.send("GET /hello HTTP/1.1\r\n");
                    try {
                        for (int i = 0; i < 40; i++) {
                            c.send("X");
                            Thread.sleep(100);
                        }
                    } catch (IOException e) {
                        // the server gave up on us: read its answer
                    }
                    String[] r = c.response();
                    return r == null ? "closed" : r[0];
                }
            }));
            List<Future<Integer>> good = new ArrayList<>();
            for (int i = 0; i < GOOD; i++) {
                int id = i;
                good.add(pool.submit(() -> {
                    int ok = 0;
                    try (Client c = new Client(port)) {
                        for (int r = 0; r < REQUESTS; r++) {
                            boolean json = (id + r) % 2 == 0;
                            c.send("GET " + (json ? "/json" : "/hello") + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                            String[] resp = c.response();
                            if (resp[0].equals("HTTP/1.1 200 OK")
                                    && resp[1].equals(json ? "{\"message\":\"Hello, World!\"}" : "Hello, World!")) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            int answered = 0;
            for (Future<Integer> f : good) {
                answered += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(answered).isEqualTo(GOOD * REQUESTS);
            assertThat(bad.get(0).get(60, TimeUnit.SECONDS)).isEqualTo("HTTP/1.1 400 Bad Request then closed");
            assertThat(bad.get(1).get(60, TimeUnit.SECONDS)).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
            assertThat(bad.get(2).get(60, TimeUnit.SECONDS)).isEqualTo("gone");
            assertThat(bad.get(3).get(60, TimeUnit.SECONDS)).isEqualTo("HTTP/1.1 408 Request Timeout");
            // the server is still fine: HTTP/1.0 without keep-alive, 404, 405
            try (Client c = new Client(port)) {
                c.send("GET /nope HTTP/1.1\r\n\r\nPOST /hello HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                        + "GET /hello HTTP/1.0\r\n\r\n");
                assertThat(c.response()[0]).isEqualTo("HTTP/1.1 404 Not Found");
                assertThat(c.response()[0]).isEqualTo("HTTP/1.1 405 Method Not Allowed");
                assertThat(c.response()).containsExactly("HTTP/1.1 200 OK", "Hello, World!");
                assertThat(c.response()).as("HTTP/1.0 without keep-alive: closed after the answer").isNull();
            }
        } finally {
            runner.stop();
            assertThat(runner.awaitStopped(10_000)).isTrue();
            server.join(10_000);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("listening on " + port + System.lineSeparator());
    }
}
