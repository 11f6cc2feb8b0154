package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docs/observability.md: quotes its example verbatim, the example prints the dump the page shows,
 * and the page's JFR commands, run as written from the project root, record and print the events.
 * ({@code ./jstackless dump PID} is run against a child JVM by jstackless-core's DumpCommandTest.)
 */
class ObservabilityPageTest {
    static final String RUN = "java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp "
            + "jstackless-examples/target/classes:jstackless-core/target/classes org.jstackless.examples.docs.WatchTasklets";
    static final String RECORD = "java -XX:StartFlightRecording:settings=default,settings=jstackless.jfc,filename=rec.jfr "
            + "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp "
            + "jstackless-examples/target/classes:jstackless-core/target/classes org.jstackless.examples.docs.WatchTasklets";
    static final String PRINT = "jfr print --events 'jstackless.*' rec.jfr";

    @Test
    void pageQuotesTheExampleAndItsCommands() throws Exception {
        DocPages.assertPageQuotes("observability.md", WatchTasklets.class);
        String page = DocPages.page("observability.md");
        assertThat(page).contains(RUN, RECORD, PRINT, "./jstackless dump PID", "./jstackless dump PID --json",
                "org.jstackless:type=Tasklets", "-Djstackless.observe=false");
    }

    @Test
    void theExamplePrintsEachTaskletWithItsStateAndFrames() throws Exception {
        String out = String.join("\n", DocPages.runMain(WatchTasklets::main));
        String at = "      at " + WatchTasklets.class.getName();
        assertThat(out).contains("Scheduler \"" + Thread.currentThread().getName() + "\"",
                "main RUNNING hard",
                "BLOCKED_RECEIVING soft: receiving on Channel@", at + ".serve(WatchTasklets.java:21)",
                at + ".slowCall(WatchTasklets.java:31)",
                "SLEEPING soft: wakes in ", at + ".client(WatchTasklets.java:26)",
                "Channels with waiting tasklets", "served hello");
        // The dump is taken right after the call was handed to the pool; on a loaded machine its
        // thread may not have picked it up yet. Both are true states of that tasklet (docs' table).
        assertThat(out).containsAnyOf("BLOCKING soft: its call runs on the blocking pool",
                "BLOCKING soft: its call waits for a permit of the blocking pool");
    }

    @Test
    void thePagesJfrCommandsRecordTheEvents() throws Exception {
        Path root = DocPages.moduleDir().getParent();
        Path rec = root.resolve("rec.jfr");
        String path = Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator + System.getenv("PATH");
        try {
            String printed = bash(root, path, RECORD + " > /dev/null && " + PRINT);
            assertThat(printed).contains("jstackless.TaskletStart {", "jstackless.TaskletEnd {",
                    "jstackless.ChannelBlocked {", "channel = \"Channel@", "jstackless.BlockingCall {",
                    "jstackless.SchedulerStatistics {", "switches = ");
        } finally {
            Files.deleteIfExists(rec);
        }
    }

    private static String bash(Path dir, String path, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", script)).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", path);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
