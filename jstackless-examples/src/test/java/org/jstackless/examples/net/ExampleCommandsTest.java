package org.jstackless.examples.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14: the three network examples as {@code ./jstackless example NAME} runs them (the same
 * main class, in a JVM of their own): each prints {@code listening on PORT}, serves, and stops
 * cleanly on SIGTERM.
 */
class ExampleCommandsTest {

    /** Starts {@code NetExamples args} in a new JVM on this test's class path; returns it once listening, and the port. */
    static final java.util.Map<Process, java.nio.file.Path> OUTPUT = new java.util.concurrent.ConcurrentHashMap<>();

    /** Starts {@code NetExamples args} in a new JVM on this test's class path; returns it once listening, and the port. */
    static Process start(List<String> args, int[] port) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                NetExamples.class.getName()));
        cmd.addAll(args);
        java.nio.file.Path out = java.nio.file.Files.createTempFile("example-", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        OUTPUT.put(p, out);
        for (int i = 0; i < 300; i++) { // up to 30 s for the JVM to start and bind
            String text = java.nio.file.Files.readString(out);
            if (text.contains("\n")) {
                String first = text.substring(0, text.indexOf('\n'));
                assertThat(first).startsWith("listening on ");
                port[0] = Integer.parseInt(first.substring("listening on ".length()));
                return p;
            }
            assertThat(p.isAlive()).as("the example exited early: %s", text).isTrue();
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new AssertionError("no 'listening on' line within 30 s");
    }

    /** Sends SIGTERM; returns what the example printed after its first line. */
    static String stop(Process p) throws Exception {
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("stopped within 20 s of SIGTERM").isTrue();
        java.nio.file.Path out = OUTPUT.remove(p);
        String text = java.nio.file.Files.readString(out);
        java.nio.file.Files.delete(out);
        return text.substring(text.indexOf('\n') + 1);
    }

    @Test
    @Timeout(60)
    void echoServerEchoesAndStopsOnSigterm() throws Exception {
        int[] port = {0};
        Process p = start(List.of("echo-server", "--port", "0", "--carriers", "2"), port);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port[0])) {
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
            byte[] back = s.getInputStream().readNBytes(5);
            assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("ping\n");
        }
        assertThat(stop(p)).isEqualTo("stopped\n");
    }

    @Test
    @Timeout(60)
    void httpServerAnswersAndStopsOnSigterm() throws Exception {
        int[] port = {0};
        Process p = start(List.of("http-server", "--port", "0"), port);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port[0])) {
            s.getOutputStream().write("GET /hello HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nHello, World!");
        }
        assertThat(stop(p)).isEqualTo("stopped\n");
    }

    @Test
    @Timeout(60)
    void chatServerBroadcastsAndStopsOnSigterm() throws Exception {
        int[] port = {0};
        Process p = start(List.of("chat-server", "--port", "0"), port);
        try (Socket alice = new Socket(InetAddress.getLoopbackAddress(), port[0]);
             Socket bob = new Socket(InetAddress.getLoopbackAddress(), port[0])) {
            BufferedReader a = new BufferedReader(new InputStreamReader(alice.getInputStream(), StandardCharsets.UTF_8));
            BufferedReader b = new BufferedReader(new InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8));
            OutputStream ao = alice.getOutputStream();
            OutputStream bo = bob.getOutputStream();
            assertThat(a.readLine()).isEqualTo("name?");
            ao.write("alice\n".getBytes(StandardCharsets.UTF_8));
            assertThat(a.readLine()).isEqualTo("* alice#1 joined (1 here)");
            assertThat(b.readLine()).isEqualTo("name?");
            bo.write("bob\n".getBytes(StandardCharsets.UTF_8));
            assertThat(a.readLine()).isEqualTo("* bob#2 joined (2 here)");
            assertThat(b.readLine()).isEqualTo("* bob#2 joined (2 here)");
            bo.write("hello alice\n".getBytes(StandardCharsets.UTF_8));
            assertThat(a.readLine()).isEqualTo("bob#2: hello alice");
            assertThat(b.readLine()).isEqualTo("bob#2: hello alice");
            bo.write("/quit\n".getBytes(StandardCharsets.UTF_8));
            assertThat(a.readLine()).isEqualTo("* bob#2 left");
        }
        assertThat(stop(p)).isEqualTo("stopped\n");
    }

    @Test
    @Timeout(60)
    void badArgumentsGetAUsageLine() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), NetExamples.class.getName(), "http-server", "--port", "x")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("--port needs a number, got x", "usage: ./jstackless example http-server --port PORT");
    }
}
