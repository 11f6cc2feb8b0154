package org.jstackless.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runtimes over one store both believe they own a durable tasklet (as two nodes would after a
 * partition): the first to commit advances it; the other's commit is refused by the sequence
 * check, nothing of it is written, and that runtime stops.
 */
class FencingTest {
    static final byte[] KEY = "fencing test key, not a secret".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** A body whose capturing class is this one (for tests that allow this class and not others). */
    static DurableBody<Integer> fortyTwo() {
        return () -> 42;
    }

    @Test
    void onlyOneOwnerAdvancesATasklet() throws Exception {
        String key = "fence-" + System.nanoTime();
        try (FileStore store = FileStore.open(dir);
                DurableRuntime a = DurableRuntime.builder(store).signingKey(KEY).allow(DurableRuntimeTest.class, FencingTest.class).open()) {
            a.start("t", () -> DurableRuntimeTest.parked(key));
            DurableRuntimeTest.waitFor(a, "t", DurableState.RECEIVING);
            try (DurableRuntime b = DurableRuntime.builder(store).signingKey(KEY).allow(DurableRuntimeTest.class, FencingTest.class).open()) {
                assertThat(b.info("t").orElseThrow().state()).as("b recovered its own copy").isEqualTo(DurableState.RECEIVING);
                a.start("from-a", () -> DurableRuntimeTest.sender(key, "a's value"));
                assertThat(a.awaitDone("t", DurableRuntimeTest.WAIT).state()).isEqualTo(DurableState.FINISHED);
                long seq = store.row("t").seq();
                // b's copy of t is stale: its rendezvous with b's sender must be refused.
                b.start("from-b", () -> DurableRuntimeTest.sender(key, "b's value"));
                long end = System.nanoTime() + DurableRuntimeTest.WAIT.toNanos();
                Throwable refused = null;
                while (refused == null && System.nanoTime() < end) {
                    try {
                        b.list();
                        Thread.sleep(5);
                    } catch (IllegalStateException e) {
                        refused = e;
                    }
                }
                assertThat(refused).as("b stopped").isNotNull();
                assertThat(refused.getCause()).isInstanceOf(StaleCheckpointException.class);
                assertThat(store.row("t").seq()).as("nothing of b's commit was written").isEqualTo(seq);
                assertThat(store.row("from-b").seq()).isEqualTo(1);
                assertThatThrownBy(() -> b.start("x", () -> "x")).hasMessageContaining("failed");
            }
            assertThat(a.<String>result("t")).isEqualTo("got a's value in t");
            assertThat(DurableRuntimeTest.EFFECTS.get(key + ":after").get()).isEqualTo(1);
        }
    }
}
