package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./jstackless dump PID} against a child JVM running {@link DumpScenario}: it attaches, and
 * prints every tasklet once with its state and frames, as {@code TaskletDump.capture()} does there.
 */
class DumpCommandTest {

    @Test
    void dumpCommandPrintsTheChildJvmsTasklets() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent(); // surefire runs in jstackless-core/
        assertThat(root.resolve("jstackless")).exists();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
                + Path.of("target", "test-classes").toAbsolutePath();
        Process child = new ProcessBuilder(javaBin, "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-cp", cp,
                DumpScenario.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready).startsWith("READY");
            Map<String, String> ids = new HashMap<>();
            for (String kv : ready.substring("READY ".length()).split(" ")) {
                String[] p = kv.split("=");
                ids.put(p[0], p[1]);
            }
            Process dump = new ProcessBuilder("bash", root.resolve("jstackless").toString(), "dump",
                    Long.toString(child.pid())).redirectErrorStream(true).start();
            String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(dump.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(dump.exitValue()).as(text).isZero();

            assertThat(text).contains("jstackless tasklet dump", "Scheduler \"main\"",
                    "Scheduler \"jstackless-carrier-0\"", "Scheduler \"jstackless-carrier-1\"");
            String at = "      at " + DumpScenario.class.getName();
            expect(text, ids.get("softReceiver"), "BLOCKED_RECEIVING soft", at + ".softReceive(DumpScenario.java:" + ids.get("softReceiveLine") + ")");
            expect(text, ids.get("hardSender"), "BLOCKED_SENDING hard", null);
            expect(text, ids.get("scheduled"), "SCHEDULED soft", at + ".yielder(DumpScenario.java:" + ids.get("yieldLine") + ")");
            expect(text, ids.get("blocker"), "BLOCKING soft", at + ".blocker(DumpScenario.java:" + ids.get("blockingLine") + ")");
            expect(text, ids.get("sleeper"), "SLEEPING soft", at + ".sleeper(DumpScenario.java:" + ids.get("sleepLine") + ")");
            expect(text, ids.get("poolSoft"), "BLOCKED_RECEIVING soft", at + ".poolReceive(DumpScenario.java:" + ids.get("poolReceiveLine") + ")");
            // The carrier describes itself on its own thread: the hard tasklet's continuation is read there.
            expect(text, ids.get("poolHard"), "BLOCKED_RECEIVING hard", at + ".poolReceive(DumpScenario.java:" + ids.get("poolReceiveLine") + ")");
            expect(text, ids.get("main"), "main RUNNING", null);

            Process json = new ProcessBuilder("bash", root.resolve("jstackless").toString(), "dump",
                    Long.toString(child.pid()), "--json").redirectErrorStream(true).start();
            String js = new String(json.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(js.trim()).startsWith("{\"time\":").endsWith("}")
                    .contains("\"id\":" + ids.get("poolHard") + ",\"state\":\"BLOCKED_RECEIVING\"");
        } finally {
            child.getOutputStream().close(); // the child ends when its stdin closes
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void dumpCommandExplainsAJvmWithoutJstackless() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Process dump = new ProcessBuilder("bash", root.resolve("jstackless").toString(), "dump", "not-a-pid")
                .redirectErrorStream(true).start();
        String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(dump.exitValue()).isEqualTo(2);
        assertThat(text).contains("usage: jstackless dump PID [--json]");
    }

    /** The tasklet's header line appears exactly once, with {@code state}, followed by {@code frame} when given. */
    private static void expect(String text, String id, String state, String frame) {
        List<String> lines = text.lines().toList();
        List<Integer> at = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("  Tasklet " + id + " ")) {
                at.add(i);
            }
        }
        assertThat(at).as("lines of tasklet %s in\n%s", id, text).hasSize(1);
        assertThat(lines.get(at.get(0))).as(text).contains(state);
        if (frame != null) {
            assertThat(lines.get(at.get(0) + 1)).as(text).isEqualTo(frame);
        }
    }
}
