package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jstackless.cluster.internal.Directory;
import org.jstackless.durable.DurableState;
import org.jstackless.durable.internal.PrivatePostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Three node JVMs; node n3 runs ten durable tickers; n3 is SIGKILLed; the failure detector marks it
 * unreachable, the split-brain resolver (keep-majority) downs it, and the leader re-homes its
 * tickers: each advances again on a surviving node, and each runs on exactly one of them. A
 * correctness test: the time this takes is measured by {@code ./jstackless bench-durable --parts rehome}
 * ({@code RehomeBench}), not here.
 */
class RehomeTest {
    static final int TICKERS = 10;

    @Test
    void aKilledNodesTaskletsRunAgainElsewhereExactlyOnce() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed: apt-get install postgresql");
        try (PrivatePostgres pg = PrivatePostgres.start(); NodeJvms kids = new NodeJvms(pg.url(), "rehome", TICKERS)) {
            // Generous: three JVMs join on a loaded 2-core machine; on failure, every node's output.
            assertThat(kids.awaitCreated(200)).as("nodes started: %s", kids.tails(40)).isTrue();
            try (Directory d = new Directory(pg.url(), "rehome")) {
                // Wait until every ticker of n3 has ticked twice (it runs there).
                Map<String, Long> start = NodeJvms.seqs(d);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!NodeJvms.advanced(start, NodeJvms.seqs(d), TICKERS, 2)) {
                    assertThat(System.nanoTime()).as("tickers run on n3").isLessThan(end);
                    Thread.sleep(20);
                }
                kids.killLast();
                Map<String, Long> atKill = NodeJvms.seqs(d);
                assertThat(atKill).hasSize(TICKERS);
                end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!NodeJvms.advanced(atKill, NodeJvms.seqs(d), TICKERS, 2)) {
                    assertThat(System.nanoTime()).as("re-homed within 120 s: %s", kids.tails(30)).isLessThan(end);
                    Thread.sleep(20);
                }
                // Exactly once: every ticker is held by one survivor, none by both (n1 and n2 report
                // what they run every 250 ms, not at the same instant: wait for a pair of reports
                // that covers all ten, without overlap; the store's fencing refuses a second runner).
                Set<String> expected = atKill.keySet();
                end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    Set<String> a = kids.node(0).here();
                    Set<String> b = kids.node(1).here();
                    Set<String> both = new HashSet<>(a);
                    both.retainAll(b);
                    Set<String> union = new HashSet<>(a);
                    union.addAll(b);
                    if (both.isEmpty() && union.equals(expected)) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("each ticker on exactly one survivor: n1 %s, n2 %s", a, b).isLessThan(end);
                    Thread.sleep(50);
                }
                for (Directory.Row r : d.all()) {
                    assertThat(r.state()).as(r.id()).isNotEqualTo(DurableState.FAILED);
                }
            }
        }
    }
}
