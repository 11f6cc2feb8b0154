package org.jstackless.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jstackless.Suspendable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Suspend and resume of one durable tasklet: it stops at its last checkpoint, stays stopped across a restart, resumes. */
class SuspendResumeTest {
    static final AtomicBoolean STOP = new AtomicBoolean();
    static final AtomicInteger STEPS = new AtomicInteger();

    @TempDir
    Path dir;

    static int spin() throws Suspendable, Exception {
        int i = 0;
        while (!Durable.step(STOP::get)) {
            STEPS.incrementAndGet();
            i++;
        }
        return i;
    }

    static DurableState state(DurableRuntime rt) {
        return rt.info("spin").orElseThrow().state();
    }

    @Test
    void aSuspendedTaskletRunsNothingUntilResumed() throws Exception {
        STOP.set(false);
        try (DurableRuntime rt = DurableRuntime.open(dir, SuspendResumeTest.class)) {
            rt.start("spin", () -> spin()); // a lambda, not SuspendResumeTest::spin: see DurableBody
            while (STEPS.get() < 20) {
                Thread.sleep(5);
            }
            assertThat(rt.resume("spin")).as("not suspended").isFalse();
            assertThat(rt.suspend("spin")).isTrue();
            assertThat(state(rt)).isEqualTo(DurableState.SUSPENDED);
            assertThat(rt.suspend("spin")).as("already suspended").isFalse();
            long seq = rt.info("spin").orElseThrow().seq();
            int steps = STEPS.get();
            Thread.sleep(200);
            assertThat(STEPS.get()).as("runs nothing").isEqualTo(steps);
            assertThat(rt.info("spin").orElseThrow().seq()).isEqualTo(seq);
        }
        int steps = STEPS.get();
        try (DurableRuntime rt = DurableRuntime.open(dir, SuspendResumeTest.class)) { // a restart keeps it suspended
            assertThat(state(rt)).isEqualTo(DurableState.SUSPENDED);
            Thread.sleep(200);
            assertThat(STEPS.get()).isEqualTo(steps);
            STOP.set(true);
            assertThat(rt.resume("spin")).isTrue();
            assertThat(rt.info("spin").orElseThrow().detail()).isEmpty();
            rt.awaitDone("spin", Duration.ofSeconds(30));
            assertThat(rt.<Integer>result("spin")).isGreaterThanOrEqualTo(20);
            assertThat(rt.resume("spin")).isFalse();
        }
    }
}
