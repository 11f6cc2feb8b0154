package org.jstackless.bench.net;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The virtual-thread peer of the http-server example for bench/net: one virtual thread per
 * connection, blocking streams, HTTP/1.1 keep-alive, {@code GET /hello} answering {@code Hello,
 * World!}. The virtual-thread scheduler's parallelism is the number of "carriers"
 * ({@code -Djdk.virtualThreadScheduler.parallelism=N}, set by the script). Parsing is as strict as
 * the benchmark needs, not more: it is a peer for throughput, not a server.
 */
public final class VirtualThreadHttp {
    private static final byte[] HELLO = ("HTTP/1.1 200 OK\r\nServer: vt\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\n\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_FOUND = ("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private VirtualThreadHttp() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[args.length - 1]);
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port), 4096);
            System.out.println("listening on " + s.getLocalPort());
            System.out.flush();
            while (true) {
                Socket c = s.accept();
                Thread.ofVirtual().start(() -> serve(c));
            }
        }
    }

    private static void serve(Socket c) {
        try (c) {
            c.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(c.getInputStream(), 8192);
            OutputStream out = c.getOutputStream();
            StringBuilder line = new StringBuilder();
            while (true) {
                String request = readLine(in, line);
                if (request == null) {
                    return;
                }
                String h;
                while ((h = readLine(in, line)) != null && !h.isEmpty()) {
                    // headers are not needed by this route
                }
                if (h == null) {
                    return;
                }
                out.write(request.startsWith("GET /hello ") ? HELLO : NOT_FOUND);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String readLine(InputStream in, StringBuilder b) throws IOException {
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
