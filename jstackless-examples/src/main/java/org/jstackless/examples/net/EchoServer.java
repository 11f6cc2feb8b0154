package org.jstackless.examples.net;

import java.nio.ByteBuffer;
import org.jstackless.Suspendable;
import org.jstackless.net.TaskletSocket;

/**
 * {@code ./jstackless example echo-server --port PORT [--carriers N]}: sends back whatever each
 * client sends, one tasklet per connection, until the client closes its side.
 */
public final class EchoServer {
    private EchoServer() {
    }

    /** One connection: read what is there, write it back, until the end of the stream. */
    public static void echo(TaskletSocket c) throws java.io.IOException, Suspendable {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (c.read(buf.clear()) >= 0) {
            c.writeAll(buf.flip());
        }
    }

    public static void main(String[] args) throws Exception {
        ServerRunner.main("echo-server", args, EchoServer::echo);
    }
}
