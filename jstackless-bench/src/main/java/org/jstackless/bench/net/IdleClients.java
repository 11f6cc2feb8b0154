package org.jstackless.bench.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/net's idle-connection load: opens N connections to PORT on loopback, prints
 * {@code open N}, and holds them until its input ends (the script closes it).
 */
public final class IdleClients {
    private IdleClients() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int port = Integer.parseInt(args[1]);
        List<SocketChannel> open = new ArrayList<>(n);
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        for (int i = 0; i < n; i++) {
            open.add(SocketChannel.open(a));
        }
        // Each connection sends a request head and reads its answer, so the server has really
        // served it and then holds it idle in keep-alive.
        byte[] req = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(4096);
        for (SocketChannel c : open) {
            c.write(java.nio.ByteBuffer.wrap(req));
        }
        for (SocketChannel c : open) {
            in.clear();
            while (c.read(in) > 0 && !new String(in.array(), 0, in.position(), java.nio.charset.StandardCharsets.US_ASCII).contains("World!")) {
                // until the whole small answer is in
            }
        }
        System.out.println("open " + open.size());
        System.out.flush();
        System.in.read();
        for (SocketChannel c : open) {
            c.close();
        }
    }
}
