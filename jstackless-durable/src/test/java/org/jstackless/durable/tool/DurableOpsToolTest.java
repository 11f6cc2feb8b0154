package org.jstackless.durable.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableChannelInfo;
import org.jstackless.durable.DurableInfo;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations of the command line on a stopped program's file store, with no class of the
 * program: cancel through the store (the program raises TaskletExit in the tasklet when it opens the
 * store again, so its finally blocks run), suspend/resume, purge-finished, list by state and
 * version, close and open a durable channel; and {@code --store file DIR} as the old form.
 */
class DurableOpsToolTest {
    static final AtomicInteger FINALLY = new AtomicInteger();

    @TempDir
    Path dir;

    static String sleeper() throws Suspendable {
        try {
            Durable.sleep(Duration.ofDays(1));
            return "woke";
        } finally {
            FINALLY.incrementAndGet();
        }
    }

    static String blocked() throws Suspendable {
        try {
            return Durable.<String>channel("never").receive();
        } finally {
            FINALLY.incrementAndGet();
        }
    }

    static String spinner() throws Suspendable {
        for (int i = 0; i < 50; i++) {
            Durable.checkpoint();
        }
        return "spun";
    }

    static String run(String... args) throws Exception {
        return DurableToolTest.run(args);
    }

    @Test
    void cancelSuspendPurgeListAndCloseWithoutTheProgramsClasses() throws Exception {
        String d = dir.toString();
        FINALLY.set(0);
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableOpsToolTest.class)) {
            rt.start("sleeper", DurableOpsToolTest::sleeper);
            rt.start("blocked", DurableOpsToolTest::blocked);
            rt.start("done-1", () -> "r1");
            rt.start("done-2", () -> "r2");
            rt.awaitDone("done-1", Duration.ofSeconds(30));
            rt.awaitDone("done-2", Duration.ofSeconds(30));
            await(rt, "sleeper", DurableState.SLEEPING);
            await(rt, "blocked", DurableState.RECEIVING);
            assertThat(rt.version("done-1")).as("the same code, the same version").isEqualTo(rt.version("done-2"))
                    .matches("[0-9a-f]{12}").isNotEqualTo(rt.version("sleeper"));
            assertThat(rt.version("sleeper")).isNotEqualTo(rt.version("blocked"));
        }
        String v = run("list", d).lines().filter(l -> l.contains("done-1")).findFirst().orElseThrow();
        assertThat(run("--store", "file", d, "list", "--state", "finished")).isEqualTo("0:done-1\tFINISHED\t#2\tvV\n"
                + "done-2\tFINISHED\t#2\tvV\n");
        assertThat(run("cancel", d, "sleeper")).isEqualTo("0:cancelling sleeper (raised when it next runs)\n");
        assertThat(run("--store", "file", d, "cancel", "blocked")).isEqualTo("0:cancelling blocked (raised when it next runs)\n");
        assertThat(run("cancel", d, "done-1")).isEqualTo("0:not live: done-1\n");
        assertThat(run("list", d, "--state", "RUNNABLE")).isEqualTo("0:blocked\tRUNNABLE\t#3\tvV\tcancelling\n"
                + "sleeper\tRUNNABLE\t#3\tvV\tcancelling\n");
        assertThat(run("list", d, "--state", "nonsense")).startsWith("2:durable: no state nonsense");
        assertThat(run("purge-finished", d)).isEqualTo("0:purged 2\n");
        assertThat(run("close", d, "jobs")).isEqualTo("0:closed jobs\n");
        assertThat(run("close", d, "jobs")).isEqualTo("0:closing already: jobs\n");
        assertThat(run("channel", d, "jobs")).isEqualTo("0:jobs\tclosed\tbalance 0\n");
        assertThat(run("--store", "postgres", "jdbc:postgresql://127.0.0.1:1/x", "list")).startsWith("2:durable: --store postgres needs --key-file");
        assertThat(run("--store", "nowhere", d, "list")).startsWith("2:usage");

        try (DurableRuntime rt = DurableRuntime.open(dir, DurableOpsToolTest.class)) {
            for (String id : new String[] {"sleeper", "blocked"}) {
                DurableInfo i = rt.awaitDone(id, Duration.ofSeconds(30));
                assertThat(i.state()).isEqualTo(DurableState.FAILED);
                assertThat(i.detail()).isEqualTo(Durable.CANCELLED);
            }
            assertThat(FINALLY.get()).as("both finally blocks ran").isEqualTo(2);
            assertThat(rt.info("done-1")).isEmpty();
            assertThat(rt.channelInfo("jobs")).isEqualTo(new DurableChannelInfo("jobs", true, 0));
            assertThat(rt.purgeFinished()).isEqualTo(2);
            rt.start("spinner", DurableOpsToolTest::spinner);
            rt.awaitDone("spinner", Duration.ofSeconds(30));
        }
        assertThat(run("suspend", d, "spinner")).isEqualTo("0:not runnable: spinner\n");
        assertThat(run("purge", d, "spinner")).isEqualTo("0:purged spinner\n");
        assertThat(run("open", d, "jobs")).isEqualTo("0:opened jobs\n");
        assertThat(run("list", d)).isEqualTo("0:");
        assertThat(v).contains("\tvV");
    }

    @Test
    void suspendAndResumeFromTheCommandLine() throws Exception {
        String d = dir.toString();
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableOpsToolTest.class)) {
            rt.suspend("none");
            rt.start("s", DurableOpsToolTest::sleeper);
            await(rt, "s", DurableState.SLEEPING);
        }
        assertThat(run("suspend", d, "s")).isEqualTo("0:not runnable: s\n");
        assertThat(run("cancel", d, "s")).startsWith("0:cancelling s");
        assertThat(run("suspend", d, "s")).isEqualTo("0:suspended s\n");
        assertThat(run("list", d)).isEqualTo("0:s\tSUSPENDED\t#4\tvV\tcancelling\n");
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableOpsToolTest.class)) {
            Thread.sleep(200);
            assertThat(rt.info("s").orElseThrow().state()).as("suspended: runs nothing").isEqualTo(DurableState.SUSPENDED);
        }
        assertThat(run("resume", d, "s")).isEqualTo("0:resumed s\n");
        FINALLY.set(0);
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableOpsToolTest.class)) {
            assertThat(rt.awaitDone("s", Duration.ofSeconds(30)).detail()).as("the pending cancel survived the suspension")
                    .isEqualTo(Durable.CANCELLED);
            assertThat(FINALLY.get()).isEqualTo(1);
        }
    }

    static void await(DurableRuntime rt, String id, DurableState st) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (rt.info(id).map(DurableInfo::state).orElse(null) != st) {
            assertThat(System.nanoTime()).as("%s reaches %s", id, st).isLessThan(end);
            Thread.sleep(5);
        }
    }
}
