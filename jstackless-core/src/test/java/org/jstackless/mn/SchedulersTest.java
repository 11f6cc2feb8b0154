package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jstackless.Channel;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 6, "many cores: one scheduler per carrier thread": the {@link Schedulers} pool. The stress
 * size is {@code -Djstackless.stress.tasklets} (CI default 50,000; the bench module's full size is
 * 1,000,000).
 */
class SchedulersTest {
    static final int STRESS = Integer.getInteger("jstackless.stress.tasklets", 50_000);
    static final Duration JOIN = Duration.ofSeconds(60);

    /** Checks at every resumption that no other thread runs the same tasklet. */
    static final class OneAtATime {
        final AtomicBoolean running = new AtomicBoolean();

        void enter(List<String> errors, int id) {
            if (!running.compareAndSet(false, true)) {
                errors.add("tasklet " + id + " runs on two threads at once");
            }
        }

        void leave() {
            running.set(false);
        }
    }

    // issue 6: every spawned tasklet runs to its end on the pool's carriers, each on one thread at a time; join sees quiescence
    @SwitchingTest
    void manyTaskletsRunOnTheCarriers() throws Throwable {
        int n = STRESS;
        AtomicInteger done = new AtomicInteger();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        Set<Thread> carriersSeen = ConcurrentHashMap.newKeySet();
        try (Schedulers pool = Schedulers.start(2)) {
            assertThat(pool.size()).isEqualTo(2);
            for (int i = 0; i < n; i++) {
                int id = i;
                OneAtATime guard = new OneAtATime();
                pool.spawn(() -> {
                    for (int round = 0; round < 3; round++) {
                        guard.enter(errors, id);
                        carriersSeen.add(Stackless.main().thread());
                        if (Stackless.current().thread() != Stackless.main().thread()) {
                            errors.add("tasklet " + id + " runs on a scheduler it does not belong to");
                        }
                        guard.leave();
                        Stackless.schedule();
                    }
                    done.incrementAndGet();
                });
            }
            assertThat(pool.join(JOIN)).as("quiescent within %s", JOIN).isTrue();
            assertThat(done.get()).isEqualTo(n);
            assertThat(errors).isEmpty();
            assertThat(pool.threads()).containsAll(carriersSeen);
            assertThat(carriersSeen).as("both carriers got work").hasSize(2);
        }
    }

    // issue 6: channel operations across carriers: every value is received exactly once
    @SwitchingTest
    void channelsAcrossCarriers() throws Throwable {
        int pairs = STRESS / 5;
        int channels = 8;
        List<Channel<Integer>> chans = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            chans.add(new Channel<>());
        }
        AtomicIntegerArray received = new AtomicIntegerArray(pairs);
        AtomicInteger receivers = new AtomicInteger();
        AtomicInteger senders = new AtomicInteger();
        try (Schedulers pool = Schedulers.start(2)) {
            for (int i = 0; i < pairs; i++) {
                int id = i;
                Channel<Integer> ch = chans.get(i % channels);
                pool.spawn(() -> {
                    ch.send(id);
                    senders.incrementAndGet();
                });
                pool.spawn(() -> {
                    received.incrementAndGet(ch.receive());
                    receivers.incrementAndGet();
                });
            }
            assertThat(pool.join(JOIN)).as("quiescent within %s", JOIN).isTrue();
            assertThat(senders.get()).isEqualTo(pairs);
            assertThat(receivers.get()).isEqualTo(pairs);
            for (int i = 0; i < pairs; i++) {
                assertThat(received.get(i)).as("times message %d was received", i).isEqualTo(1);
            }
            for (Channel<Integer> ch : chans) {
                assertThat(ch.balance()).isZero();
            }
        }
    }

    // issue 6: blocking calls and sleeps of pool tasklets overlap; join waits for them
    @SwitchingTest
    void blockingCallsAndSleepsOnThePool() throws Throwable {
        int n = 200;
        AtomicInteger done = new AtomicInteger();
        try (Schedulers pool = Schedulers.start(2)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int k = i;
                pool.spawn(() -> {
                    if (k % 2 == 0) {
                        int v = Stackless.blocking(() -> {
                            Thread.sleep(100);
                            return k;
                        });
                        if (v == k) {
                            done.incrementAndGet();
                        }
                    } else {
                        Stackless.sleep(Duration.ofMillis(100));
                        done.incrementAndGet();
                    }
                });
            }
            assertThat(pool.join(JOIN)).isTrue();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(done.get()).as("join returned only after the calls and sleeps").isEqualTo(n);
            assertThat(ms).as("200 x 100 ms waits overlap (serially 20 s)").isLessThan(5_000);
        }
    }

    // issue 6: join returns false when the timeout passes first, true once the pool is idle
    @SwitchingTest
    void joinTimesOut() throws Throwable {
        AtomicBoolean woke = new AtomicBoolean();
        try (Schedulers pool = Schedulers.start(2)) {
            pool.spawn(() -> {
                Stackless.sleep(Duration.ofMillis(500));
                woke.set(true);
            });
            assertThat(pool.join(Duration.ofMillis(50))).isFalse();
            assertThat(woke).isFalse();
            assertThat(pool.join(Duration.ofSeconds(10))).isTrue();
            assertThat(woke).isTrue();
        }
    }

    // issue 6: a kill from outside the pool reaches a tasklet blocked on one of its carriers, on that carrier
    @SwitchingTest
    void killAPoolTaskletFromOutside() throws Throwable {
        Channel<String> ch = new Channel<>();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ended = new CountDownLatch(1);
        try (Schedulers pool = Schedulers.start(2)) {
            Tasklet t = pool.spawn(() -> {
                try {
                    ch.receive();
                    events.add("received");
                } catch (TaskletExit e) {
                    events.add("TaskletExit on a carrier " + pool.threads().contains(Stackless.main().thread()));
                    ended.countDown();
                    throw e;
                }
            });
            assertThat(pool.join(JOIN)).as("a blocked tasklet does not prevent quiescence").isTrue();
            assertThat(t.isBlocked()).isTrue();
            t.kill();
            assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(events).containsExactly("TaskletExit on a carrier true");
            assertThat(ch.balance()).isZero();
        }
    }

    // issue 6: close() stops the carriers; a closed pool refuses new tasklets
    @SwitchingTest
    void closeStopsTheCarriers() throws Throwable {
        Schedulers pool = Schedulers.start(2);
        Channel<String> never = new Channel<>();
        pool.spawn(never::receive); // blocked for ever: dropped with its scheduler
        assertThat(pool.join(JOIN)).isTrue();
        pool.close();
        for (Thread th : pool.threads()) {
            assertThat(th.isAlive()).as("carrier %s ended", th.getName()).isFalse();
        }
        assertThatThrownBy(() -> pool.spawn(() -> {
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Schedulers.start(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
