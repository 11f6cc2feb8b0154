package org.jstackless.durable.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableToolTest {
    @TempDir
    Path dir;

    static String waiter() throws Suspendable {
        return Durable.<String>channel("never").receive();
    }

    static String run(String... args) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8)) {
            rc = DurableTool.run(List.of(args), out);
        }
        return rc + ":" + b.toString(StandardCharsets.UTF_8).replaceAll("\tv[0-9a-f]{12}", "\tvV");
    }

    @Test
    void listShowKillPurgeOnAStoppedProgramsStore() throws Exception {
        String d = dir.toString();
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableToolTest.class)) {
            rt.start("waiter", DurableToolTest::waiter);
            rt.start("done", () -> "result");
            rt.awaitDone("done", Duration.ofSeconds(30));
            while (rt.info("waiter").orElseThrow().state() != DurableState.RECEIVING) {
                Thread.sleep(5);
            }
            assertThat(run("list", d)).startsWith("1:durable: the durable store").contains("already open");
        }
        assertThat(run("list", d)).isEqualTo("0:done\tFINISHED\t#2\tvV\nwaiter\tRECEIVING\t#2\tvV\ton never\n");
        assertThat(run("show", d, "waiter")).startsWith("0:Checkpoint[waiter #2 RECEIVING on never")
                .contains("DurableToolTest.waiter");
        assertThat(run("kill", d, "waiter")).isEqualTo("0:killed waiter\n");
        assertThat(run("purge", d, "done")).isEqualTo("0:purged done\n");
        assertThat(run("list", d)).isEqualTo("0:waiter\tFAILED\t#3\tkilled\n");
        assertThat(run("kill", d)).startsWith("2:usage");
        assertThat(run("list", dir.resolve("nothing").toString())).startsWith("1:durable: no durable store");
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableToolTest.class)) {
            assertThat(rt.info("waiter").orElseThrow().detail()).isEqualTo("killed");
            assertThat(rt.info("done")).isEmpty();
        }
    }
}
