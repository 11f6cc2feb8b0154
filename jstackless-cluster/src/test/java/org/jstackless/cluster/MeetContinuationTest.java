package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.jstackless.NotPicklableException;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableState;
import org.junit.jupiter.api.Test;

/**
 * The cross-node meet runs the arriving tasklet on to its next request and commits that
 * checkpoint with the rendezvous. When that next checkpoint cannot be taken (its state does not
 * pickle), the meet is not made: the tasklet blocks at the send, from the checkpoint taken there,
 * and is paired again without the run-on; the value is still received exactly once, in order, and
 * the refusal reaches the tasklet as an exception at the checkpoint.
 */
class MeetContinuationTest {
    /** Receives two values on "cont"; returns them. */
    public static String receiver() throws Suspendable {
        int a = Durable.<Integer>channel("cont").receive();
        int b = Durable.<Integer>channel("cont").receive();
        return "got " + a + "," + b;
    }

    /** Sends 7, then checkpoints holding a thread (which does not pickle), then sends 8. */
    public static String sender() throws Suspendable {
        Durable.<Integer>channel("cont").send(7);
        String how;
        Object unpicklable = Thread.currentThread();
        try {
            Durable.checkpoint();
            how = "checkpointed";
        } catch (NotPicklableException e) {
            how = "refused";
        }
        how = how + (unpicklable != null ? "" : "?");
        Durable.<Integer>channel("cont").send(8);
        return how;
    }

    @Test
    void aRunOnThatCannotCheckpointFallsBackToBlockingAndDeliversOnce() throws Exception {
        try (Nodes c = new Nodes(2, "cont", MeetContinuationTest.class)) {
            ClusterNode a = c.nodes.get(0);
            ClusterNode b = c.nodes.get(1);
            assertThat(b.start("receiver", MeetContinuationTest::receiver)).isTrue();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (a.balance("cont") != -1) { // the receiver waits on n2: the sender meets it
                assertThat(System.nanoTime()).as("receiver waits on cont: %s", a.list()).isLessThan(end);
                Thread.sleep(10);
            }
            assertThat(a.start("sender", MeetContinuationTest::sender)).isTrue();
            assertThat(a.awaitDone("sender", Duration.ofSeconds(60)).state()).isEqualTo(DurableState.FINISHED);
            assertThat(b.awaitDone("receiver", Duration.ofSeconds(60)).state()).isEqualTo(DurableState.FINISHED);
            assertThat(a.<String>result("sender")).isEqualTo("refused");
            assertThat(a.<String>result("receiver")).isEqualTo("got 7,8");
            assertThat(a.balance("cont")).isZero();
        }
    }
}
