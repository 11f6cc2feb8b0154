package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;
import org.junit.jupiter.api.AfterEach;

/**
 * Issue 14 (the blocking round trip): the default pool's thread that ran a plain call stays for
 * the next one, while interruptible calls keep a thread of their own, so that a kill's interrupt
 * can never reach another tasklet's call.
 */
class BlockingWorkersTest {

    @AfterEach
    void restoreDefaultPool() {
        Stackless.setBlockingPool(null, Integer.MAX_VALUE);
    }

    // 200 calls one after another: a worker that ran one call takes the next (they are not 200 new threads)
    @SwitchingTest
    void consecutivePlainCallsReuseAWorker() throws Throwable {
        Stackless.runAsMain(() -> {
            Set<Thread> threads = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                Thread t = Stackless.blocking(Thread::currentThread);
                assertThat(t.isVirtual()).isTrue();
                threads.add(t);
            }
            assertThat(threads.size()).as("distinct threads for 200 consecutive calls").isLessThan(200);
        });
    }

    // interruptible calls never share a thread, and a kill's interrupt never shows in a later plain call
    @SwitchingTest
    void interruptibleCallsGetTheirOwnThread() throws Throwable {
        Stackless.runAsMain(() -> {
            Set<Thread> threads = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                threads.add(Stackless.blockingInterruptible(Thread::currentThread));
            }
            assertThat(threads).hasSize(20);
            for (int round = 0; round < 5; round++) {
                CountDownLatch started = new CountDownLatch(1);
                Tasklet victim = Tasklet.spawn(() -> Stackless.blockingInterruptible(() -> {
                    started.countDown();
                    Thread.sleep(20_000);
                    return null;
                }));
                Stackless.schedule();
                assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
                victim.kill();
                for (int i = 0; i < 20; i++) {
                    assertThat((Boolean) Stackless.blocking(() -> Thread.currentThread().isInterrupted())).isFalse();
                }
                Stackless.run();
                assertThat(victim.isAlive()).isFalse();
            }
        });
    }

    // many tasklets of a 2-carrier pool calling at once: every call runs, every result comes back
    @SwitchingTest
    void concurrentCallsFromAPoolAllComplete() throws Throwable {
        try (Schedulers pool = Schedulers.start(2)) {
            int n = 200;
            long[] sums = new long[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                pool.spawn(() -> {
                    for (int j = 0; j < 50; j++) {
                        sums[k] += Stackless.blocking(() -> 1);
                    }
                });
            }
            assertThat(pool.join(java.time.Duration.ofSeconds(60))).isTrue();
            for (long s : sums) {
                assertThat(s).isEqualTo(50);
            }
        }
    }
}
