package org.jstackless.bench.net;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The virtual-thread peer of the http-server example for bench/net: one virtual thread per
 * connection, blocking sockets, HTTP/1.1 keep-alive, {@code GET /hello} answering {@code Hello,
 * World!}. The virtual-thread scheduler's parallelism is the number of "carriers"
 * ({@code -Djdk.virtualThreadScheduler.parallelism=N}, set by the script).
 *
 * <p>By default it handles a request as the example's {@code HttpServer.handle} does, step by
 * step, so that the two servers differ in how they wait, not in what they do: the same line limit
 * read through a buffer of the same size, the request line split and checked, each header line
 * checked, its name trimmed and lower-cased and matched (connection, content-length,
 * transfer-encoding), the same limits on the head, a read timeout of 60 s before a request and
 * 10 s inside its head (the example's deadlines: here {@code setSoTimeout}), the same answers.
 * With {@code --minimal} (the peer of the runs before 2026-12-05) it reads lines a byte at a time
 * through a {@code BufferedInputStream} and ignores the headers, without timeouts.
 */
public final class VirtualThreadHttp {
    static final int MAX_LINE = 8192;
    static final int MAX_HEAD = 16384;
    static final int MAX_HEADERS = 100;
    static final int IDLE_MILLIS = 60_000;
    static final int HEAD_MILLIS = 10_000;
    private static final byte[] HELLO = response(200, "OK", "Hello, World!", true);
    private static final byte[] NOT_FOUND = response(404, "Not Found", "no such page\n", true);
    private static final byte[] BAD = response(400, "Bad Request", "Bad Request\n", false);
    private static final byte[] HELLO_MINIMAL = ("HTTP/1.1 200 OK\r\nServer: vt\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\n\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_FOUND_MINIMAL = ("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private VirtualThreadHttp() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[args.length - 1]);
        boolean minimal = args.length > 1 && args[0].equals("--minimal");
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port), 4096);
            System.out.println("listening on " + s.getLocalPort());
            System.out.flush();
            while (true) {
                Socket c = s.accept();
                Thread.ofVirtual().start(minimal ? () -> serveMinimal(c) : () -> serve(c));
            }
        }
    }

    static byte[] response(int status, String reason, String body, boolean keepAlive) {
        return ("HTTP/1.1 " + status + " " + reason + "\r\nServer: jstackless\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads lines through its own buffer (as {@code TaskletSocket.readLine} does). */
    private static final class Lines {
        private final InputStream in;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int lim;

        Lines(InputStream in) {
            this.in = in;
        }

        /** A line without its CR LF, null at the end of the stream; ProtocolException past max bytes. */
        String readLine(int max) throws IOException {
            int scanned = 0;
            while (true) {
                for (int i = pos + scanned; i < lim; i++) {
                    if (buf[i] == '\n') {
                        int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                        if (end - pos > max) {
                            throw new ProtocolException("line too long");
                        }
                        String s = new String(buf, pos, end - pos, StandardCharsets.UTF_8);
                        pos = i + 1;
                        return s;
                    }
                }
                scanned = lim - pos;
                if (scanned > max + 1) {
                    throw new ProtocolException("line too long");
                }
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, lim - pos);
                    lim -= pos;
                    pos = 0;
                }
                int n = in.read(buf, lim, buf.length - lim);
                if (n < 0) {
                    return null;
                }
                lim += n;
            }
        }
    }

    private static void serve(Socket c) {
        try (c) {
            c.setTcpNoDelay(true);
            Lines in = new Lines(c.getInputStream());
            OutputStream out = c.getOutputStream();
            while (true) {
                c.setSoTimeout(IDLE_MILLIS);
                String requestLine;
                try {
                    requestLine = in.readLine(MAX_LINE);
                } catch (SocketTimeoutException e) {
                    return;
                }
                if (requestLine == null) {
                    return;
                }
                long headDeadline = System.nanoTime() + HEAD_MILLIS * 1_000_000L;
                c.setSoTimeout(HEAD_MILLIS);
                String[] parts = requestLine.split(" ", -1);
                if (parts.length != 3 || parts[0].isEmpty() || !parts[1].startsWith("/")
                        || !(parts[2].equals("HTTP/1.1") || parts[2].equals("HTTP/1.0"))) {
                    out.write(BAD);
                    return;
                }
                boolean keepAlive = parts[2].equals("HTTP/1.1");
                int headBytes = requestLine.length();
                int headers = 0;
                while (true) {
                    String h = in.readLine(MAX_LINE);
                    if (h == null) {
                        return;
                    }
                    if (h.isEmpty()) {
                        break;
                    }
                    headBytes += h.length() + 2;
                    if (++headers > MAX_HEADERS || headBytes > MAX_HEAD || System.nanoTime() - headDeadline > 0) {
                        out.write(BAD);
                        return;
                    }
                    int colon = h.indexOf(':');
                    if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t') {
                        out.write(BAD);
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
                        case "content-length", "transfer-encoding" -> {
                            out.write(BAD); // GET /hello has no body; the benchmark sends none
                            return;
                        }
                        default -> {
                        }
                    }
                }
                out.write(parts[0].equals("GET") && parts[1].equals("/hello") ? HELLO : NOT_FOUND);
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away, or sent something this peer does not serve
        }
    }

    // ---------------------------------------------------------------- --minimal

    private static void serveMinimal(Socket c) {
        try (c) {
            c.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(c.getInputStream(), 8192);
            OutputStream out = c.getOutputStream();
            StringBuilder line = new StringBuilder();
            while (true) {
                String request = readLineMinimal(in, line);
                if (request == null) {
                    return;
                }
                String h;
                while ((h = readLineMinimal(in, line)) != null && !h.isEmpty()) {
                    // headers are not needed by this route
                }
                if (h == null) {
                    return;
                }
                out.write(request.startsWith("GET /hello ") ? HELLO_MINIMAL : NOT_FOUND_MINIMAL);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String readLineMinimal(InputStream in, StringBuilder b) throws IOException {
        b.setLength(0);
        int ch;
        while ((ch = in.read()) != '\n') {
            if (ch < 0) {
                return null;
            }
            if (ch != '\r') {
                b.append((char) ch);
            }
            if (b.length() > 8192) {
                throw new IOException("line too long");
            }
        }
        return b.toString();
    }
}
