package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jstackless.ChannelClosedException;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableChannel;
import org.jstackless.durable.DurableChannelInfo;
import org.jstackless.durable.DurableState;
import org.jstackless.durable.tool.DurableTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable channel closed on one node of a 2-node cluster over PostgreSQL is closed for a tasklet
 * blocked on the other (which still meets a sender, then is refused), and the cluster-wide
 * operations from any node: list by state, node and version, cancel (finally blocks run) of a
 * sleeping and of a blocked tasklet on the other node, describe, purge, purge of every finished one,
 * and the command line's cancel through the shared table while the cluster runs.
 */
class ClusterCloseOpsTest {
    static final AtomicInteger FINALLY = new AtomicInteger();

    @TempDir
    Path dir;

    public static String receiveTwice() throws Suspendable {
        DurableChannel<String> ch = Durable.channel("jobs");
        String first = ch.receive();
        try {
            ch.receive();
            return "got " + first + ", then another";
        } catch (ChannelClosedException e) {
            return "got " + first + ", then refused on " + ClusterNode.current().name();
        }
    }

    public static String send(String v) throws Suspendable {
        try {
            Durable.<String>channel("jobs").send(v);
            return "sent " + v;
        } catch (ChannelClosedException e) {
            return "refused";
        }
    }

    public static String sleeper() throws Suspendable {
        try {
            Durable.sleep(Duration.ofDays(1));
            return "woke";
        } finally {
            FINALLY.incrementAndGet();
        }
    }

    public static String blocked(String ch) throws Suspendable {
        try {
            return Durable.<String>channel(ch).receive();
        } finally {
            FINALLY.incrementAndGet();
        }
    }

    @Test
    void aCloseOnOneNodeIsSeenOnTheOtherAndOperationsWorkFromAnyNode() throws Exception {
        try (Nodes c = new Nodes(2, "closeops", ClusterCloseOpsTest.class)) {
            ClusterNode n1 = c.nodes.get(0);
            ClusterNode n2 = c.nodes.get(1);
            FINALLY.set(0);

            // close: n1 closes while r1 waits on n2; a sender still meets r1, whose next receive is refused on n2
            assertThat(n2.start("r1", ClusterCloseOpsTest::receiveTwice)).isTrue();
            awaitState(n1, "r1", DurableState.RECEIVING);
            assertThat(n1.closeChannel("jobs")).isTrue();
            assertThat(n2.closeChannel("jobs")).isFalse();
            assertThat(n2.channelInfo("jobs")).isEqualTo(new DurableChannelInfo("jobs", true, -1));
            assertThat(n1.start("s1", () -> send("a"))).isTrue();
            assertThat(n1.awaitDone("r1", Duration.ofSeconds(60)).state()).isEqualTo(DurableState.FINISHED);
            assertThat(n1.<String>result("r1")).isEqualTo("got a, then refused on n2");
            assertThat(n1.awaitDone("s1", Duration.ofSeconds(60)).state()).isEqualTo(DurableState.FINISHED);
            assertThat(n2.<String>result("s1")).isEqualTo("sent a");
            assertThat(n1.channelInfo("jobs").closed()).isTrue();
            assertThat(n2.start("s2", () -> send("b"))).isTrue();
            n2.awaitDone("s2", Duration.ofSeconds(60));
            assertThat(n1.<String>result("s2")).isEqualTo("refused");
            assertThat(n2.openChannel("jobs")).isTrue();
            assertThat(n1.list()).as("the close's row is not a tasklet").extracting(r -> r.id()).doesNotContain("\u0001jobs");

            // operations: list by state, node and version; cancel and describe from the node that does not run them
            assertThat(n2.start("sleeper", ClusterCloseOpsTest::sleeper)).isTrue();
            for (String id : List.of("blocked", "blocked-2")) { // one lambda: the same code, the same version
                String ch = id.replace("blocked", "never");
                assertThat(n2.start(id, () -> blocked(ch))).isTrue();
            }
            awaitState(n1, "sleeper", DurableState.SLEEPING);
            awaitState(n1, "blocked", DurableState.RECEIVING);
            awaitState(n1, "blocked-2", DurableState.RECEIVING);
            List<ClusterTaskletInfo> sleeping = n1.tasklets(DurableState.SLEEPING, null, null);
            assertThat(sleeping).extracting(ClusterTaskletInfo::id).containsExactly("sleeper");
            assertThat(sleeping.get(0).node()).isEqualTo("n2");
            assertThat(sleeping.get(0).version()).matches("[0-9a-f]{12}");
            assertThat(n1.tasklets(null, "n2", null)).extracting(ClusterTaskletInfo::id)
                    .contains("r1", "s2", "sleeper", "blocked", "blocked-2").doesNotContain("s1");
            String v = n1.tasklets(null, null, null).stream().filter(t -> t.id().equals("blocked")).findFirst().orElseThrow().version();
            assertThat(n1.tasklets(null, null, v)).extracting(ClusterTaskletInfo::id).containsExactly("blocked", "blocked-2");
            assertThat(n1.describe("blocked")).startsWith("Checkpoint[blocked").contains("ClusterCloseOpsTest.blocked");

            assertThat(n1.cancel("sleeper")).isTrue();
            assertThat(n1.cancel("blocked")).isTrue();
            for (String id : List.of("sleeper", "blocked")) {
                var r = n1.awaitDone(id, Duration.ofSeconds(60));
                assertThat(r.state()).isEqualTo(DurableState.FAILED);
                assertThat(r.detail()).isEqualTo(Durable.CANCELLED);
            }
            assertThat(FINALLY.get()).as("both finally blocks ran").isEqualTo(2);
            assertThat(n1.cancel("sleeper")).as("done").isFalse();

            // the command line, through the table the cluster runs on: the node running it loads the pending cancel
            Path key = dir.resolve("key");
            Files.write(key, Nodes.KEY);
            assertThat(tool("--store", "postgres", c.pg.url(), "--table", "closeops", "--key-file", key.toString(), "cancel",
                    "blocked-2")).startsWith("0:cancelling blocked-2");
            assertThat(n1.awaitDone("blocked-2", Duration.ofSeconds(60)).detail()).isEqualTo(Durable.CANCELLED);
            assertThat(FINALLY.get()).isEqualTo(3);
            assertThat(tool("--store", "postgres", c.pg.url(), "--table", "closeops", "--key-file", key.toString(), "list",
                    "--state", "failed")).contains("blocked-2\tFAILED").contains("sleeper\tFAILED");

            assertThat(n1.purge("s1")).isTrue();
            assertThat(n1.purge("s1")).isFalse();
            assertThat(n2.purgeFinished()).isEqualTo(5); // r1, s2, sleeper, blocked, blocked-2
            assertThat(n1.list()).isEmpty();
            assertThat(n1.start("s1", () -> send("again"))).as("a purged id starts again").isTrue();
        }
    }

    static String tool(String... args) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8)) {
            rc = DurableTool.run(List.of(args), out);
        }
        return rc + ":" + b.toString(StandardCharsets.UTF_8);
    }

    static void awaitState(ClusterNode n, String id, DurableState st) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (n.list().stream().noneMatch(r -> r.id().equals(id) && r.state() == st)) {
            assertThat(System.nanoTime()).as("%s reaches %s: %s", id, st, n.list()).isLessThan(end);
            Thread.sleep(10);
        }
    }
}
