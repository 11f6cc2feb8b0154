package org.jstackless.examples.net;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.net.TaskletSocket;

/**
 * {@code ./jstackless example http-server --port PORT [--carriers N]}: a small HTTP/1.1 server,
 * one tasklet per connection, keep-alive. {@code GET /hello} answers {@code Hello, World!}
 * (text/plain), {@code GET /json} a small JSON object; other paths 404, other methods 405.
 *
 * <p>Bad input ends only its own connection, after an answer: a malformed request line or header
 * 400, a request line over 8 KiB 414, a header line over 8 KiB or more than 16 KiB or 100 header
 * lines 431, a body over 1 MiB 413, chunked bodies 501, a request head not complete within the head
 * timeout 408. Reading is line by line through the socket's buffer; pipelined requests work.
 */
public final class HttpServer {
    static final int MAX_LINE = 8192;
    static final int MAX_HEAD = 16384;
    static final int MAX_HEADERS = 100;
    static final int MAX_BODY = 1 << 20;

    private static final byte[] HELLO = response(200, "OK", "text/plain", "Hello, World!", true);
    private static final byte[] HELLO_CLOSE = response(200, "OK", "text/plain", "Hello, World!", false);
    private static final String JSON_BODY = "{\"message\":\"Hello, World!\"}";
    private static final byte[] JSON = response(200, "OK", "application/json", JSON_BODY, true);
    private static final byte[] JSON_CLOSE = response(200, "OK", "application/json", JSON_BODY, false);

    private final Duration idleTimeout;
    private final Duration headTimeout;

    /** A server closing idle keep-alive connections after {@code idleTimeout}, slow request heads after {@code headTimeout}. */
    public HttpServer(Duration idleTimeout, Duration headTimeout) {
        this.idleTimeout = idleTimeout;
        this.headTimeout = headTimeout;
    }

    /** Serves one connection's requests until it closes, asks to close, or misbehaves. */
    public void handle(TaskletSocket c) throws IOException, Suspendable {
        while (true) {
            c.setReadTimeout(idleTimeout);
            String requestLine;
            try {
                requestLine = c.readLine(MAX_LINE);
            } catch (ProtocolException e) {
                reject(c, 414, "URI Too Long");
                return;
            } catch (SocketTimeoutException e) {
                return; // idle keep-alive connection: just close
            }
            if (requestLine == null) {
                return; // the client closed
            }
            long headDeadline = System.nanoTime() + headTimeout.toNanos();
            c.setReadTimeout(headTimeout);
            String[] parts = requestLine.split(" ", -1);
            if (parts.length != 3 || parts[0].isEmpty() || !parts[1].startsWith("/")
                    || !(parts[2].equals("HTTP/1.1") || parts[2].equals("HTTP/1.0"))) {
                reject(c, 400, "Bad Request");
                return;
            }
            boolean http11 = parts[2].equals("HTTP/1.1");
            boolean keepAlive = http11;
            long contentLength = 0;
            int headBytes = requestLine.length();
            int headers = 0;
            while (true) {
                String h;
                try {
                    h = c.readLine(MAX_LINE);
                } catch (ProtocolException e) {
                    reject(c, 431, "Request Header Fields Too Large");
                    return;
                } catch (SocketTimeoutException e) {
                    reject(c, 408, "Request Timeout");
                    return;
                }
                if (h == null) {
                    return; // disconnected mid-request
                }
                if (h.isEmpty()) {
                    break;
                }
                headBytes += h.length() + 2;
                if (++headers > MAX_HEADERS || headBytes > MAX_HEAD) {
                    reject(c, 431, "Request Header Fields Too Large");
                    return;
                }
                if (System.nanoTime() - headDeadline > 0) {
                    reject(c, 408, "Request Timeout");
                    return;
                }
                int colon = h.indexOf(':');
                if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t') {
                    reject(c, 400, "Bad Request");
                    return;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "connection" -> {
                        String v = value.toLowerCase(Locale.ROOT);
                        if (v.contains("close")) {
                            keepAlive = false;
                        } else if (v.contains("keep-alive")) {
                            keepAlive = true;
                        }
                    }
                    case "content-length" -> {
                        try {
                            contentLength = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            contentLength = -1;
                        }
                        if (contentLength < 0) {
                            reject(c, 400, "Bad Request");
                            return;
                        }
                    }
                    case "transfer-encoding" -> {
                        reject(c, 501, "Not Implemented");
                        return;
                    }
                    default -> {
                    }
                }
            }
            if (contentLength > MAX_BODY) {
                reject(c, 413, "Content Too Large");
                return;
            }
            if (contentLength > 0) {
                c.readFully(new byte[(int) contentLength]); // not used by these routes: read past it
            }
            byte[] answer;
            if (!parts[0].equals("GET")) {
                answer = response(405, "Method Not Allowed", "text/plain", "only GET\n", keepAlive);
            } else if (parts[1].equals("/hello")) {
                answer = keepAlive ? HELLO : HELLO_CLOSE;
            } else if (parts[1].equals("/json")) {
                answer = keepAlive ? JSON : JSON_CLOSE;
            } else {
                answer = response(404, "Not Found", "text/plain", "no such page\n", keepAlive);
            }
            c.writeAll(answer);
            if (!keepAlive) {
                return;
            }
        }
    }

    /**
     * Answers {@code status} and ends the connection (the caller returns; the runner closes it).
     * What the client is still sending is read and dropped for a moment first (a lingering close):
     * closing with unread input would reset the connection, and the client might lose the answer.
     */
    private static void reject(TaskletSocket c, int status, String reason) throws IOException, Suspendable {
        c.setWriteTimeout(Duration.ofSeconds(5));
        c.writeAll(response(status, reason, "text/plain", reason + "\n", false));
        c.shutdownOutput();
        c.setReadTimeout(Duration.ofSeconds(2));
        java.nio.ByteBuffer sink = java.nio.ByteBuffer.allocate(8192);
        for (int drained = 0; drained < 4 * MAX_BODY; ) {
            int n = c.read(sink.clear());
            if (n < 0) {
                return;
            }
            drained += n;
            Stackless.schedule(); // a client that keeps sending must not keep the carrier from the others
        }
    }

    static byte[] response(int status, String reason, String type, String body, boolean keepAlive) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Server: jstackless\r\n"
                + "Content-Type: " + type + "\r\n"
                + "Content-Length: " + b.length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    public static void main(String[] args) throws Exception {
        HttpServer s = new HttpServer(Duration.ofSeconds(60), Duration.ofSeconds(10));
        ServerRunner.main("http-server", args, s::handle);
    }
}
