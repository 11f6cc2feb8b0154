package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jstackless.cluster.internal.Directory;
import org.jstackless.durable.DurableBody;
import org.jstackless.durable.DurableState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations on a 3-node cluster whose Pekko remoting runs over TLS (certificates made by the test
 * with keytool): migrating a running tasklet to a named node, and draining a node (the upgrade
 * procedure: it hands every tasklet over, reports empty, leaves), with every tasklet's checkpoints
 * forming one history (as many accepted writes as one run makes).
 */
class ClusterOpsTest {
    static final int TICKS = 60;
    static final int TICKERS = 6;

    @TempDir
    Path dir;

    @Test
    void migrateARunningTaskletThenDrainANodeOverTls() throws Exception {
        try (Nodes c = new Nodes(3, "ops", Tls.generate(dir), Work.class)) {
            ClusterNode n1 = c.nodes.get(0);
            ClusterNode n2 = c.nodes.get(1);
            ClusterNode n3 = c.nodes.get(2);
            assertThat(n1.system().settings().config().getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");

            // Migration: a tasklet stepping in a loop on n1 moves to n3 while it runs, and goes on there: one history.
            Work.STOP.set(false);
            assertThat(n1.start("spinner", Work::spinner)).isTrue();
            assertThat(n1.where("spinner", Duration.ofSeconds(20))).isEqualTo("n1");
            n2.migrate("spinner", "n3", Duration.ofSeconds(60));
            assertThat(n1.where("spinner", Duration.ofSeconds(20))).isEqualTo("n3");
            // Suspend and resume from n1, run where it runs (n3): it stops at its last checkpoint, then goes on.
            assertThat(n1.suspend("spinner")).isTrue();
            Directory.Row held = n1.list().stream().filter(r -> r.id().equals("spinner")).findFirst().orElseThrow();
            assertThat(held.state()).isEqualTo(DurableState.SUSPENDED);
            Thread.sleep(300);
            assertThat(n1.list().stream().filter(r -> r.id().equals("spinner")).findFirst().orElseThrow().seq())
                    .as("runs nothing while suspended").isEqualTo(held.seq());
            assertThat(n1.suspend("spinner")).isFalse();
            assertThat(n1.resume("spinner")).isTrue();
            Work.STOP.set(true);
            Directory.Row done = n1.awaitDone("spinner", Duration.ofSeconds(120));
            assertThat(done.state()).isEqualTo(DurableState.FINISHED);
            String path = n1.result("spinner");
            assertThat(path).startsWith("n1,n3 after ");
            int steps = Integer.parseInt(path.substring("n1,n3 after ".length()));
            assertThat(done.seq()).as("created, %d steps, the stopping step, suspended, resumed, finished", steps)
                    .isEqualTo(steps + 5);

            // Drain: n2's durable timers are handed over; n2 reports empty and leaves; they finish elsewhere.
            Map<String, DurableBody<?>> tickers = new LinkedHashMap<>();
            for (int i = 0; i < TICKERS; i++) {
                tickers.put("ticker-" + i, () -> Work.ticker(TICKS));
            }
            assertThat(n2.startAll(tickers)).isEqualTo(TICKERS);
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (n2.here().size() < TICKERS) {
                assertThat(System.nanoTime()).as("tickers running on n2: %s", n2.here()).isLessThan(end);
                Thread.sleep(20);
            }
            n2.drain(Duration.ofSeconds(60));
            assertThat(n2.here()).isEmpty();
            c.nodes.remove(n2);
            n2.close();
            for (String id : tickers.keySet()) {
                Directory.Row r = n1.awaitDone(id, Duration.ofSeconds(120));
                assertThat(r.state()).isEqualTo(DurableState.FINISHED);
                assertThat(r.seq()).as("%s: one history", id).isEqualTo(TICKS + 2);
                assertThat(n3.<String>result(id)).isEqualTo("ticked " + TICKS);
            }
            assertThat(n1.members()).containsExactly("n1", "n3");
        }
    }
}
