package org.jstackless.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 14 (request rate): the read-ahead buffer grows only when a line does not fit, and a read
 * that emptied the socket waits for readiness before reading again; neither may lose or delay
 * bytes that were already there or that come in pieces.
 */
class ReadAheadTest {

    // lines longer than the 8 KiB buffer, up to the limit, are read whole; one over it is refused
    @SwitchingTest
    void linesLongerThanTheBufferGrowIt() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = SocketTest.pair(server);
                try (TaskletSocket a = p[0]; TaskletSocket b = p[1]) {
                    char[] x = new char[20_000];
                    Arrays.fill(x, 'x');
                    String longLine = new String(x);
                    Tasklet.spawn(() -> {
                        b.writeAll((longLine + "\r\nshort\n" + longLine + "y\n").getBytes(StandardCharsets.UTF_8));
                    });
                    assertThat(a.readLine(20_000)).isEqualTo(longLine);
                    assertThat(a.readLine(20_000)).isEqualTo("short");
                    assertThatThrownBy(() -> a.readLine(20_000)).isInstanceOf(ProtocolException.class);
                }
            }
        });
    }

    // a line sent in pieces, after reads that emptied the socket, and pipelined lines in one segment
    @SwitchingTest
    void piecesAndPipelinedLinesAllArrive() throws Throwable {
        Stackless.runAsMain(() -> {
            try (TaskletServerSocket server = TaskletServerSocket.listenLoopback(0)) {
                TaskletSocket[] p = SocketTest.pair(server);
                try (TaskletSocket a = p[0]; TaskletSocket b = p[1]) {
                    a.setReadTimeout(SocketTest.T);
                    for (int round = 0; round < 50; round++) {
                        int r = round;
                        Tasklet writer = Tasklet.spawn(() -> {
                            b.writeAll(("GET /" + r).getBytes(StandardCharsets.US_ASCII));
                            Stackless.schedule(); // the reader drains the socket and waits
                            b.writeAll((" HTTP/1.1\r\n\r\nnext " + r + "\n").getBytes(StandardCharsets.US_ASCII));
                        });
                        assertThat(a.readLine(8192)).isEqualTo("GET /" + r + " HTTP/1.1");
                        assertThat(a.readLine(8192)).isEmpty();
                        assertThat(a.readLine(8192)).isEqualTo("next " + r);
                        while (writer.isAlive()) {
                            Stackless.schedule();
                        }
                    }
                    // plain reads after buffered ones, and after a read that left the socket empty
                    b.writeAll(new byte[] {1, 2, 3});
                    ByteBuffer dst = ByteBuffer.allocate(10);
                    assertThat(a.read(dst)).isEqualTo(3);
                    Tasklet.spawn(() -> b.writeAll(new byte[] {4, 5}));
                    assertThat(a.read(dst)).isEqualTo(2);
                    assertThat(Arrays.copyOf(dst.array(), 5)).containsExactly(1, 2, 3, 4, 5);
                }
            }
        });
    }
}
