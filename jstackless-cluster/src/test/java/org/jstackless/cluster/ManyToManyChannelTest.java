package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.durable.DurableState;
import org.junit.jupiter.api.Test;

/**
 * Many senders and receivers of one durable channel, spread over three nodes, all arriving at once:
 * the arriving side meets a waiting partner itself, a node pairs after its blocked commit, the
 * channel's entity pairs the rest, and these race for the same partners. Every value is received
 * exactly once, and each sender's values in the order it sent them (FIFO per sender).
 */
class ManyToManyChannelTest {
    static final int SENDERS = 6;
    static final int PER_SENDER = 15;
    static final int RECEIVERS = 3;

    @Test
    void everyValueIsReceivedOnceWhoeverPairsIt() throws Exception {
        try (Nodes c = new Nodes(3, "many", Work.class)) {
            List<String> ids = new ArrayList<>();
            for (int r = 0; r < RECEIVERS; r++) {
                String id = "recv" + r;
                assertThat(c.nodes.get(r % 3).start(id, () -> Work.manyReceiver(SENDERS * PER_SENDER / RECEIVERS))).isTrue();
                ids.add(id);
            }
            for (int s = 0; s < SENDERS; s++) {
                int base = 1000 * (s + 1);
                assertThat(c.nodes.get(s % 3).start("send" + s, () -> Work.manySender(base, PER_SENDER))).isTrue();
            }
            ClusterNode a = c.nodes.get(0);
            for (int s = 0; s < SENDERS; s++) {
                try {
                    assertThat(a.awaitDone("send" + s, Duration.ofSeconds(Integer.getInteger("jstackless.test.wait", 90))).state()).isEqualTo(DurableState.FINISHED);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("stuck: " + a.list(), e);
                }
            }
            List<Integer> all = new ArrayList<>();
            List<List<Integer>> perReceiver = new ArrayList<>();
            for (String id : ids) {
                assertThat(a.awaitDone(id, Duration.ofSeconds(30)).state()).isEqualTo(DurableState.FINISHED);
                List<Integer> got = new ArrayList<>();
                for (String v : a.<String>result(id).split(",")) {
                    got.add(Integer.parseInt(v));
                }
                perReceiver.add(got);
                all.addAll(got);
            }
            List<Integer> expected = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                for (int i = 0; i < PER_SENDER; i++) {
                    expected.add(1000 * (s + 1) + i);
                }
            }
            assertThat(all).containsExactlyInAnyOrderElementsOf(expected); // none lost, none doubled
            for (List<Integer> got : perReceiver) { // a sender's values reach any one receiver in the order sent
                for (int s = 0; s < SENDERS; s++) {
                    int lo = 1000 * (s + 1);
                    List<Integer> mine = got.stream().filter(v -> v >= lo && v < lo + PER_SENDER).toList();
                    assertThat(mine).isSorted();
                }
            }
        }
    }
}
