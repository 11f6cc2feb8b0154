package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.net.TaskletServerSocket;
import org.jstackless.testing.SwitchingTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: blocking calls cannot starve a server: no silent bound by default, a kill of a call
 * waiting for a permit takes effect at once, and closing a pool does not wait for tasklets that
 * wait outside their scheduler.
 */
class BlockingPoolTest {

    @AfterEach
    void restoreDefaultPool() {
        Stackless.setBlockingPool(null, Integer.MAX_VALUE);
    }

    // issue 14: 1,000 blocking calls that each wait until all 1,000 have started all complete (a bound of 256 stalled them)
    @Test
    void defaultPoolHasNoSilentBound() throws Throwable {
        int n = 1_000;
        CountDownLatch allStarted = new CountDownLatch(n);
        Stackless.runAsMain(() -> {
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                Tasklet.spawn(() -> {
                    boolean ok = Stackless.blocking(() -> {
                        allStarted.countDown();
                        return allStarted.await(60, TimeUnit.SECONDS);
                    });
                    if (ok) {
                        done.incrementAndGet();
                    }
                });
            }
            Stackless.run();
            assertThat(done.get()).isEqualTo(n);
        });
    }

    // issue 14: killing a tasklet whose call waits for a permit wakes it at once; the call never runs
    @SwitchingTest
    void killWhileWaitingForAPermit() throws Throwable {
        Stackless.setBlockingPool(null, 1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean queuedCallRan = new AtomicBoolean();
        Stackless.runAsMain(() -> {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            Tasklet holder = Tasklet.spawn(() -> events.add("holder " + Stackless.blocking(() -> release.await(60, TimeUnit.SECONDS))));
            Stackless.schedule(); // the holder's call takes the only permit (soon)
            Tasklet queued = Tasklet.spawn(() -> {
                try {
                    Stackless.blockingInterruptible(() -> {
                        queuedCallRan.set(true);
                        return null;
                    });
                } catch (TaskletExit e) {
                    events.add("queued killed");
                    throw e;
                }
            });
            Stackless.schedule();
            long t0 = System.nanoTime();
            queued.kill();
            assertThat(System.nanoTime() - t0).as("the kill did not wait for the permit").isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(queued.isAlive()).isFalse();
            assertThat(events).containsExactly("queued killed");
            release.countDown();
            Stackless.run();
            assertThat(events).containsExactly("queued killed", "holder true");
            assertThat(holder.isAlive()).isFalse();
        });
        Thread.sleep(50);
        assertThat(queuedCallRan).as("a cancelled call never runs").isFalse();
    }

    // issue 14: Schedulers.close() returns promptly with tasklets in blocking/sleep/await/accept and reports them dropped
    @Test
    void closeDoesNotWaitForWaitingTasklets() throws Throwable {
        CountDownLatch never = new CountDownLatch(1);
        Schedulers pool = Schedulers.start(2);
        TaskletServerSocket server = TaskletServerSocket.listenLoopback(0);
        AtomicInteger started = new AtomicInteger();
        pool.spawn(() -> {
            started.incrementAndGet();
            Stackless.blocking(() -> never.await(1, TimeUnit.HOURS));
        });
        pool.spawn(() -> {
            started.incrementAndGet();
            Stackless.sleep(Duration.ofHours(1));
        });
        pool.spawn(() -> {
            started.incrementAndGet();
            Stackless.await(new CompletableFuture<>());
        });
        pool.spawn(() -> {
            started.incrementAndGet();
            server.accept();
        });
        for (int i = 0; i < 1000 && started.get() < 4; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(100); // let them park
        long t0 = System.nanoTime();
        pool.close();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        never.countDown();
        server.close();
        assertThat(ms).as("close() returned in %d ms", ms).isLessThan(3_000);
        assertThat(pool.droppedWaiting()).isEqualTo(4);
    }
}
