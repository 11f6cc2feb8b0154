package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.jstackless.durable.DurableState;
import org.junit.jupiter.api.Test;

/**
 * A durable channel between durable tasklets on two nodes of a 3-node Pekko cluster over
 * PostgreSQL: every message once, in order, then a sendException across nodes.
 */
class ClusterChannelTest {
    /** Round trips (-Djstackless.cluster.trips=N for more). */
    static final int N = Integer.getInteger("jstackless.cluster.trips", 30);

    @Test
    void pingPongAcrossNodesDeliversEveryMessageOnceInOrder() throws Exception {
        try (Nodes c = new Nodes(3, "chan", Work.class)) {
            ClusterNode a = c.nodes.get(0);
            ClusterNode b = c.nodes.get(1);
            Work.TRIPS.clear();
            assertThat(b.start("ponger", () -> Work.ponger(N))).isTrue();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (a.balance("ping") != -1) { // the ponger blocks receiving: balance -1, seen from any node
                assertThat(System.nanoTime()).as("ponger waits on ping: %s", a.list()).isLessThan(end);
                Thread.sleep(10);
            }
            assertThat(a.start("pinger", () -> Work.pinger(N))).isTrue();
            assertThat(a.awaitDone("pinger", Duration.ofSeconds(90)).state()).isEqualTo(DurableState.FINISHED);
            assertThat(b.awaitDone("ponger", Duration.ofSeconds(30)).state()).isEqualTo(DurableState.FINISHED);
            assertThat(a.<String>result("pinger")).isEqualTo("pinged " + N + ", bad 0, then no more pongs");
            assertThat(c.nodes.get(2).<String>result("ponger")).isEqualTo("ponged " + N);
            assertThat(a.where("pinger", Duration.ofSeconds(10))).isEqualTo("n1");
            assertThat(a.where("ponger", Duration.ofSeconds(10))).isEqualTo("n2");
        }
    }
}
