package org.jstackless.mn;

import org.jstackless.testing.SwitchingTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.jstackless.mn.ThreadTest.await;
import static org.jstackless.mn.ThreadTest.waitUntil;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jstackless.Channel;
import org.jstackless.ChannelClosedException;
import org.jstackless.Select;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;

/**
 * {@link Select} and buffered channels across threads (spec §9): a partner of another thread fires
 * the select and hands the tasklet to its own thread; kill, close and timeouts race with remote
 * partners. Port of Go's {@code src/runtime/chan_test.go} TestSelectStress (bounded) for the
 * stress part.
 */
class SelectThreadTest {

    @SwitchingTest
    void aPartnerOnAnotherThreadFiresTheSelect() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> a = new Channel<>();
            Channel<String> b = new Channel<>();
            AtomicReference<String> got = new AtomicReference<>();
            AtomicReference<ThreadTest.Where> where = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> {
                got.set(new Select<String>().onReceive(a, v -> "a " + v).onReceive(b, v -> "b " + v).select());
                where.set(ThreadTest.Where.here());
                done.countDown();
            }))) {
                Tasklet selector = r.setup();
                waitUntil(() -> a.balance() == -1 && b.balance() == -1, "B's tasklet is blocked in its select");
                assertThat(selector.isBlocked()).isTrue();
                b.send("hello"); // preference -1, but the receiver is on B: no switch here
                assertThat(Stackless.current()).isSameAs(Stackless.main());
                await(done);
                assertThat(got.get()).isEqualTo("b hello");
                assertThat(where.get().isOn(r.main())).as("the select finished on B: %s", where.get()).isTrue();
                assertThat(a.balance()).isZero();
                assertThat(b.balance()).isZero();
            }
        });
    }

    @SwitchingTest
    void aSelectHereMeetsASenderOfAnotherThread() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> a.send(42)))) {
                waitUntil(() -> a.balance() == 1, "B's tasklet is blocked sending");
                int v = new Select<Integer>().onReceive(a, x -> x).onReceive(b, x -> -x).select();
                assertThat(v).isEqualTo(42);
                assertThat(a.balance()).isZero();
                // and a select that blocks here until B sends
                r.submit(() -> Tasklet.spawn(() -> {
                    Stackless.sleep(Duration.ofMillis(5));
                    b.send(7);
                }));
                v = new Select<Integer>().onReceive(a, x -> x).onReceive(b, x -> -x).select();
                assertThat(v).isEqualTo(-7);
                assertThat(a.balance()).isZero();
            }
        });
    }

    @SwitchingTest
    void closingFromAnotherThreadWakesTheSelect() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> a = new Channel<>();
            Channel<String> done = new Channel<>();
            AtomicReference<Throwable> raised = new AtomicReference<>();
            CountDownLatch ended = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> {
                try {
                    new Select<String>().onReceive(a, v -> v).onReceive(done, v -> v).select();
                } catch (ChannelClosedException e) {
                    raised.set(e);
                }
                ended.countDown();
            }))) {
                waitUntil(() -> done.balance() == -1, "B's tasklet is blocked in its select");
                done.close();
                await(ended);
                assertThat(raised.get()).isInstanceOf(ChannelClosedException.class);
                assertThat(a.balance()).isZero();
                assertThat(done.balance()).isZero();
            }
        });
    }

    @SwitchingTest
    void killingASelectorRacesWithRemotePartners() throws Throwable {
        Stackless.runAsMain(() -> {
            // Each round: a local selector on two channels, a remote sender on each, and a kill;
            // whatever wins, every value is received at most once and no record is left behind.
            Channel<Integer> a = new Channel<>(1);
            Channel<Integer> b = new Channel<>();
            List<Integer> received = Collections.synchronizedList(new ArrayList<>());
            try (RemoteThread r = RemoteThread.start("B", () -> null)) {
                for (int round = 0; round < 200; round++) {
                    int base = round * 10;
                    Tasklet selector = Tasklet.spawn(() -> received.add(
                            new Select<Integer>().onReceive(a, v -> v).onReceive(b, v -> v).select()));
                    selector.run();
                    r.submit(() -> Tasklet.spawn(() -> {
                        new Select<Void>().onSend(a, base + 1, () -> null).orDefault(() -> null).select();
                        new Select<Void>().onSend(b, base + 2, () -> null).orDefault(() -> null).select();
                    }));
                    if (round % 2 == 0) {
                        Stackless.schedule();
                    }
                    selector.kill();
                    Stackless.run();
                    // drain what reached a's buffer instead of the selector
                    while (a.buffered() > 0) {
                        received.add(-a.receive());
                    }
                    assertThat(selector.isAlive()).isFalse();
                }
                r.call(() -> null); // B's earlier tasklets never block: they have all run now
                while (a.buffered() > 0) {
                    received.add(-a.receive());
                }
                assertThat(a.balance()).isZero();
                assertThat(b.balance()).as("no record left in a queue").isZero();
            }
            List<Integer> abs = received.stream().map(Math::abs).toList();
            assertThat(abs).doesNotHaveDuplicates();
        });
    }

    // Go chan_test.go TestSelectStress, bounded: selects on both ends, across two threads.
    @SwitchingTest
    void selectsOnBothEndsAcrossThreads() throws Throwable {
        Stackless.runAsMain(() -> {
            int n = 2_000;
            Channel<Integer> c0 = new Channel<>();
            Channel<Integer> c1 = new Channel<>(2);
            AtomicInteger sum = new AtomicInteger();
            CountDownLatch sent = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> {
                for (int i = 1; i <= n; i++) {
                    int v = i;
                    new Select<Void>().onSend(c0, v, () -> null).onSend(c1, v, () -> null).select();
                }
                sent.countDown();
            }))) {
                for (int i = 0; i < n; i++) {
                    sum.addAndGet(new Select<Integer>().onReceive(c0, v -> v).onReceive(c1, v -> v)
                            .timeout(Duration.ofSeconds(30), () -> 0).select());
                }
                assertThat(sent.await(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(sum.get()).isEqualTo(n * (n + 1) / 2);
            assertThat(c0.balance()).isZero();
            assertThat(c1.balance()).isZero();
        });
    }

    @SwitchingTest
    void bufferedProducerAndConsumerOnTwoThreads() throws Throwable {
        Stackless.runAsMain(() -> {
            int n = 5_000;
            Channel<Integer> ch = new Channel<>(16);
            CountDownLatch done = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> {
                for (int i = 0; i < n; i++) {
                    ch.send(i);
                }
                done.countDown();
            }))) {
                for (int i = 0; i < n; i++) {
                    assertThat(ch.receive()).isEqualTo(i);
                }
                await(done);
            }
            assertThat(ch.balance()).isZero();
        });
    }
}
