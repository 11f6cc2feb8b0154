package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * A million tasklets created and finished leave the heap as it was (Stackless
 * {@code test_defects.py TestTaskletDel} / {@code test_miscell.py} leak checks, scaled up; DESIGN §7
 * "keep the per-tasklet footprint tiny").
 */
class MemoryTest {

    private static final int BATCH = 100_000;
    private static final int BATCHES = 10;
    /** Generous: a leak of 24 bytes per tasklet over a million tasklets would exceed it. */
    private static final long TOLERANCE = 24L * 1024 * 1024;

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    private static void batch(int[] counter) throws org.jstackless.Suspendable {
        for (int i = 0; i < BATCH; i++) {
            Tasklet.spawn(() -> counter[0]++);
        }
        Stackless.run();
    }

    // test_defects.py TestTaskletDel (leak check), scaled to a million tasklets
    @SwitchingTest
    void testMillionTaskletsLeaveHeapAsItWas() throws Throwable {
        Stackless.runAsMain(() -> {
            int[] counter = {0};
            batch(counter); // warm-up: classes, JIT, scheduler structures
            long before = usedHeapAfterGc();
            for (int b = 0; b < BATCHES; b++) {
                batch(counter);
            }
            long after = usedHeapAfterGc();
            assertThat(counter[0]).isEqualTo(BATCH * (BATCHES + 1));
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(after - before)
                    .as("heap growth after %d finished tasklets (before %d, after %d bytes)",
                            BATCH * BATCHES, before, after)
                    .isLessThan(TOLERANCE);
        });
    }
}
