package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.jstackless.cluster.internal.Directory;
import org.jstackless.durable.DurableState;
import org.junit.jupiter.api.Test;

/**
 * Version pinning: node n2 runs other code (it resumes only Work's methods, so checkpoints with {@link Pinned}'s frames are not its code),
 * so it refuses them: a migration there is refused, saying why, and the tasklet stays where its
 * code matches; with no node able to run it, it waits, listed; a node with matching code joining
 * runs it.
 */
class VersionPinningTest {
    @Test
    void aNodeOnlyResumesCheckpointsItsCodeMatches() throws Exception {
        // n2 resumes only Work's code: a checkpoint with Pinned's frames is other code to it.
        try (Nodes c = new Nodes(2, "pin", null, i -> new Class<?>[] {Work.class, Pinned.class, VersionPinningTest.class},
                i -> i == 1 ? new String[] {Work.class.getName()} : null)) {
            ClusterNode n1 = c.nodes.get(0);
            ClusterNode n2 = c.nodes.get(1);
            Pinned.STOP.set(false);
            assertThat(n1.start("pinned", Pinned::run)).isTrue();
            assertThat(n1.where("pinned", Duration.ofSeconds(20))).isEqualTo("n1");
            assertThatThrownBy(() -> n1.migrate("pinned", "n2", Duration.ofSeconds(60)))
                    .hasMessageContaining("node n2 cannot run durable tasklet pinned");
            assertThat(n1.refusals()).extracting(Directory.Refusal::node).containsExactly("n2");
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String at;
            while (!"n1".equals(at = n1.where("pinned", Duration.ofSeconds(10)))) { // the leader places it back
                assertThat(System.nanoTime()).as("back on n1, not '%s': %s %s", at, n1.refusals(), n1.list()).isLessThan(end);
                Thread.sleep(200);
            }

            // n1 leaves: nobody can run it; it waits, listed.
            c.nodes.remove(n1);
            n1.close();
            Thread.sleep(3000); // a few sweeps of the new leader
            assertThat(n2.here()).isEmpty();
            assertThat(n2.list()).filteredOn(r -> r.id().equals("pinned")).extracting(Directory.Row::state)
                    .doesNotContain(DurableState.FINISHED, DurableState.FAILED);
            assertThat(n2.refusals()).extracting(Directory.Refusal::reason).singleElement().asString()
                    .contains("cannot resume in this program");

            // A node with matching code joins: it runs it.
            ClusterNode again = c.node(0, 1, Work.class, Pinned.class, VersionPinningTest.class);
            c.nodes.add(again);
            Pinned.STOP.set(true);
            Directory.Row done = n2.awaitDone("pinned", Duration.ofSeconds(90));
            assertThat(done.state()).isEqualTo(DurableState.FINISHED);
            assertThat(again.<String>result("pinned")).as("n2 cannot even load its result").isEqualTo("n1");
        }
    }
}
