package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.mn.ThreadTest.await;
import static org.jstackless.mn.ThreadTest.waitUntil;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jstackless.Channel;
import org.jstackless.DeadlockException;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.jstackless.testing.SwitchingTest;

/**
 * Stackless's rules for threads that issue 13 found missing, ported from Stackless's
 * {@code Stackless/unittests/test_thread.py} (stackless-dev, classes {@code DeadThreadTest},
 * {@code TestRemove}, {@code BindThreadTest}; spec §9): tasklets of a thread whose Stackless session
 * is over are dead, a remote {@code remove()}/{@code insert()} takes effect as the caller sees it,
 * and declared partner threads make a cross-thread program independent of thread start timing.
 */
class ThreadRulesTest {
    static final String DEADLOCK = org.jstackless.internal.Errors.DEADLOCK;

    /** A plain thread (never calls runAsMain) that creates tasklets, hands them over and ends. */
    private static List<Tasklet> fromAThreadThatEnds(AtomicBoolean bodyRan) throws Exception {
        CompletableFuture<List<Tasklet>> made = new CompletableFuture<>();
        Thread th = new Thread(() -> made.complete(List.of(
                new Tasklet(() -> bodyRan.set(true)).setup(),  // scheduled
                new Tasklet(() -> bodyRan.set(true)))));       // only bound
        th.start();
        List<Tasklet> ts = made.get(10, TimeUnit.SECONDS);
        th.join(10_000);
        assertThat(th.isAlive()).isFalse();
        return ts;
    }

    // test_thread.py DeadThreadTest.test_tasklet_from_dead_thread: once its thread has ended, the tasklet is dead,
    // also when the thread entered Stackless implicitly (no runAsMain, so its session was never closed)
    @SwitchingTest
    void taskletFromADeadThreadIsDead() throws Throwable {
        AtomicBoolean ran = new AtomicBoolean();
        List<Tasklet> ts = fromAThreadThatEnds(ran);
        for (Tasklet t : ts) {
            assertThat(t.isAlive()).isFalse();
            assertThat(t.isScheduled()).isFalse();
            assertThat(t.isPaused()).isFalse();
            assertThat(t.isBlocked()).isFalse();
            assertThat(t.isCurrent()).isFalse();
        }
        assertThat(ran).as("its body never runs").isFalse();
    }

    // test_thread.py DeadThreadTest.test_methods_on_dead: what works on a tasklet of a dead thread, and what raises
    @SwitchingTest
    void methodsOnADeadThreadsTasklet() throws Throwable {
        AtomicBoolean ran = new AtomicBoolean();
        Stackless.runAsMain(() -> {
            for (Tasklet t : fromAThreadThatEnds(ran)) {
                assertThat(t.isAlive()).isFalse();
                assertThat(t.isPaused()).isFalse();
                assertThat(t.isBlocked()).isFalse();
                assertThat(t.isScheduled()).isFalse();
                // Stackless: restorable (its frames are Python frames); here only a soft or never-started one is
                assertThat(t.isRestorable()).isEqualTo(t.isSoft() || t.tempval() != null);
                assertThat(t.isAtomic()).isFalse();
                assertThat(t.blockTrap()).isFalse();
                assertThat(t.next()).isNull();
                assertThat(t.prev()).isNull();
                t.bind(null);
                t.remove();
                t.bind(() -> ran.set(true));
                assertThatThrownBy(t::setup).isInstanceOf(IllegalStateException.class).hasMessageContaining("is dead");
                assertThatThrownBy(t::insert).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(t::run).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(t::switchTo).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(() -> t.throwInto(new IllegalArgumentException("x")))
                        .isInstanceOf(IllegalStateException.class);
                t.kill(); // not alive: a no-op (spec §3.5)
                assertThat(t.setAtomic(t.setAtomic(true))).isTrue();
                assertThat(t.isAtomic()).isFalse();
                t.bind(null);
                assertThat(t.isAlive()).isFalse();
                assertThat(Stackless.runCount()).as("nothing reached this thread's queue").isEqualTo(1);
            }
            Stackless.run();
        });
        assertThat(ran).as("no body ever ran").isFalse();
    }

    // test_thread.py DeadThreadTest.test_removed_tasklet_from_dead_thread: removed from another thread (not scheduled
    // at once), then dead when its thread's session ends
    @SwitchingTest
    void removedTaskletFromADeadThread() throws Throwable {
        Stackless.runAsMain(() -> {
            AtomicBoolean ran = new AtomicBoolean();
            Tasklet t;
            CountDownLatch hold = new CountDownLatch(1);
            CompletableFuture<Tasklet> made = new CompletableFuture<>();
            try (RemoteThread r = RemoteThread.start("B", () -> null)) {
                CompletableFuture<Object> busy = r.submit(() -> {
                    made.complete(new Tasklet(() -> ran.set(true)).setup());
                    hold.await(10, TimeUnit.SECONDS); // B is busy: t is queued there, not running
                    return null;
                });
                t = made.get(10, TimeUnit.SECONDS);
                assertThat(t.isScheduled()).isTrue();
                t.remove();
                assertThat(t.isScheduled()).isFalse();
                assertThat(t.isPaused()).isTrue();
                hold.countDown();
                busy.get(10, TimeUnit.SECONDS);
            }
            assertThat(t.isAlive()).isFalse();
            assertThat(t.isPaused()).isFalse();
            assertThat(ran).isFalse();
        });
    }

    // test_thread.py TestRemove.test_remove_balance + test_insert_balance and BindThreadTest.testForeignThread_scheduled:
    // right after remove()/insert() of another thread's tasklet, the caller sees it paused/scheduled; its own runCount is
    // unchanged; the tasklet later runs on its own thread
    @SwitchingTest
    void remoteRemoveAndInsertTakeEffectAsTheCallerSeesIt() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch hold = new CountDownLatch(1);
            CompletableFuture<Tasklet> made = new CompletableFuture<>();
            try (RemoteThread r = RemoteThread.start("B", () -> null)) {
                CompletableFuture<Object> busy = r.submit(() -> {
                    made.complete(Tasklet.spawn(() -> events.add("t ran on B " + (Stackless.main() != null))));
                    hold.await(10, TimeUnit.SECONDS);
                    events.add("B runs its queue");
                    Stackless.run();
                    return Stackless.runCount();
                });
                Tasklet t = made.get(10, TimeUnit.SECONDS);
                int before = Stackless.runCount();
                for (int i = 0; i < 100; i++) { // repeated, so that the owner carries some out while others wait
                    t.remove();
                    assertThat(t.isPaused()).isTrue();
                    assertThat(t.isScheduled()).isFalse();
                    t.insert();
                    assertThat(t.isPaused()).isFalse();
                    assertThat(t.isScheduled()).isTrue();
                }
                t.remove();
                assertThat(t.isPaused()).isTrue();
                assertThat(Stackless.runCount()).as("a remote remove/insert leaves the caller's runCount").isEqualTo(before);
                hold.countDown();
                assertThat(busy.get(10, TimeUnit.SECONDS)).as("t was not run: it was removed").isEqualTo(1);
                assertThat(events).containsExactly("B runs its queue");
                assertThat(t.isPaused()).isTrue();
                t.insert(); // B is idle now: it may run t at once, so only the outcome is checked
                waitUntil(() -> events.size() == 2, "t ran on B");
                assertThat(events).containsExactly("B runs its queue", "t ran on B true");
                waitUntil(() -> !t.isAlive(), "t ended");
            }
        });
    }

    // test_thread.py BindThreadTest.testForeignThread_scheduled + DeadThreadTest.test_rebound_tasklet_from_dead_thread:
    // a remote tasklet removed from here, then pulled here with bindThread, stays alive when its old thread ends and runs here
    @SwitchingTest
    void removedRemoteTaskletRebindsAndOutlivesItsThread() throws Throwable {
        Stackless.runAsMain(() -> {
            Thread a = Thread.currentThread();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch hold = new CountDownLatch(1);
            CompletableFuture<Tasklet> made = new CompletableFuture<>();
            Tasklet t;
            try (RemoteThread r = RemoteThread.start("B", () -> null)) {
                CompletableFuture<Object> busy = r.submit(() -> {
                    made.complete(Tasklet.spawn(() -> events.add(Thread.currentThread() == a || Stackless.main().thread() == a
                            ? "ran on A" : "ran elsewhere")));
                    hold.await(10, TimeUnit.SECONDS);
                    Stackless.schedule(); // B carries out what A asked
                    return null;
                });
                t = made.get(10, TimeUnit.SECONDS);
                assertThat(t.isAlive()).isTrue();
                assertThat(t.isPaused()).isFalse();
                t.remove();
                assertThat(t.isPaused()).isTrue();
                hold.countDown();
                t.bindThread(a); // waits until B has taken t out of its queue
                assertThat(t.isAlive()).isTrue();
                assertThat(t.isPaused()).isTrue();
                assertThat(t.thread()).isSameAs(a);
                busy.get(10, TimeUnit.SECONDS);
            }
            assertThat(t.isAlive()).as("it belongs to A now").isTrue();
            t.insert();
            assertThat(t.isPaused()).isFalse();
            Stackless.run();
            assertThat(events).containsExactly("ran on A");
            assertThat(t.isAlive()).isFalse();
        });
    }

    // test_thread.py DeadThreadTest.test_rebind_from_dead: a fresh tasklet of a dead thread is rescued with bindThread
    @SwitchingTest
    void freshTaskletOfADeadThreadIsRescuedByBindThread() throws Throwable {
        AtomicBoolean ran = new AtomicBoolean();
        Stackless.runAsMain(() -> {
            Tasklet t = fromAThreadThatEnds(ran).get(0);
            assertThat(t.isAlive()).isFalse();
            t.bindThread(Thread.currentThread());
            assertThat(t.thread()).isSameAs(Thread.currentThread());
            assertThat(t.isAlive()).isTrue();
            assertThat(t.isPaused()).isTrue();
            t.run();
            assertThat(ran).isTrue();
            assertThat(t.isAlive()).isFalse();
        });
    }

    // spec §9 (a thread's tasklets die with it): a tasklet left blocked on a channel when its thread's session ended
    // takes no part in a later rendezvous; the value goes to a live partner instead of vanishing
    @SwitchingTest
    void blockedTaskletOfAnEndedThreadTakesNoPartInARendezvous() throws Throwable {
        Channel<String> ch = new Channel<>();
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Tasklet> made = new CompletableFuture<>();
        Thread b = new Thread(() -> {
            try {
                Stackless.runAsMain(() -> {
                    made.complete(Tasklet.spawn(() -> got.add("dead one got " + ch.receive())));
                    Stackless.run(); // it blocks on ch; then B's session ends
                });
            } catch (Exception e) {
                made.completeExceptionally(e);
            }
        });
        b.start();
        Tasklet dead = made.get(10, TimeUnit.SECONDS);
        b.join(10_000);
        assertThat(dead.isAlive()).isFalse();
        assertThat(dead.isBlocked()).isFalse();
        Stackless.runAsMain(() -> {
            Tasklet.spawn(() -> got.add("live one got " + ch.receive()));
            Stackless.run();
            ch.send("v");
            Stackless.run();
        });
        assertThat(got).containsExactly("live one got v");
        assertThat(ch.balance()).isZero();
    }

    // ------------------------------------------------------------------ start timing and the deadlock rule

    /**
     * Issue 13's program: an echo thread and a driver thread, each its own Stackless main, over a pair of
     * channels. The driver makes its first Stackless call only after the echo thread has blocked in
     * receive() (the unlucky start order, made certain), and echoes three values, then "stop".
     */
    private static List<Object> echoAndDriver(boolean declared) throws Exception {
        Channel<String> in = new Channel<>();
        Channel<String> out = new Channel<>();
        List<Object> events = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Thread> echoRef = new AtomicReference<>();
        TaskletBody echoBody = () -> {
            try {
                for (String s = in.receive(); !s.equals("stop"); s = in.receive()) {
                    out.send(s + "!");
                }
                events.add("echo stopped");
            } catch (DeadlockException e) {
                events.add("echo: " + e.getMessage());
            }
        };
        Runnable driverBody = () -> {
            try {
                Thread echo = echoRef.get();
                // The driver enters Stackless only once the echo thread is blocked (parked) or gone.
                waitUntil(() -> echo.getState() == Thread.State.TIMED_WAITING || echo.getState() == Thread.State.WAITING
                        || echo.getState() == Thread.State.TERMINATED, "echo blocked or ended");
                if (echo.getState() == Thread.State.TERMINATED) {
                    events.add("driver: echo had ended");
                    return;
                }
                Stackless.runAsMain(() -> {
                    for (String s : List.of("a", "b", "c")) {
                        in.send(s);
                        events.add(out.receive());
                    }
                    in.send("stop");
                });
            } catch (Exception e) {
                events.add(e);
            }
        };
        Thread echo;
        Thread driver;
        if (declared) {
            // The partners are declared up front: the echo thread through startThread, the driver before it starts.
            driver = new Thread(driverBody, "driver");
            Stackless.expectPartner(driver);
            echo = Stackless.startThread("echo", echoBody);
        } else {
            echo = new Thread(() -> {
                try {
                    Stackless.runAsMain(echoBody);
                } catch (Exception e) {
                    events.add(e);
                }
            }, "echo");
            driver = new Thread(driverBody, "driver");
            echo.start();
        }
        echoRef.set(echo);
        driver.start();
        echo.join(20_000);
        driver.join(20_000);
        assertThat(echo.isAlive()).isFalse();
        assertThat(driver.isAlive()).isFalse();
        return events;
    }

    // issue 13: without a declaration, the echo thread finds no partner when it blocks first (what the rule was)
    @SwitchingTest
    void undeclaredPartnerThatStartsLateIsNoPartner() throws Throwable {
        assertThat(echoAndDriver(false)).containsExactly("echo: " + DEADLOCK, "driver: echo had ended");
    }

    // issue 13: with the partners declared up front, the same program works whatever the start order
    @SwitchingTest
    void declaredPartnersDoNotDependOnStartTiming() throws Throwable {
        assertThat(echoAndDriver(true)).containsExactly("a!", "b!", "c!", "echo stopped");
    }

    // spec §5.4 rule 3, issue 13: a real single-thread deadlock is still reported at once when no partner is declared
    @SwitchingTest
    void singleThreadDeadlockIsStillReported() throws Throwable {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread th = new Thread(() -> {
            try {
                Stackless.runAsMain(() -> {
                    Channel<String> ch = new Channel<>();
                    ch.receive(); // nothing else runnable, no other thread in Stackless, no partner declared
                    outcome.set("received");
                });
            } catch (DeadlockException e) {
                outcome.set(e.getMessage());
            } catch (Exception e) {
                outcome.set(e);
            }
        });
        th.start();
        th.join(20_000);
        assertThat(outcome.get()).isEqualTo(DEADLOCK);
    }

    // issue 13: a declared partner that terminates without ever entering Stackless no longer counts: the waiting thread
    // then gets DeadlockException
    @SwitchingTest
    void declaredPartnerThatEndsWithoutEnteringReleasesTheWait() throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        Thread partner = new Thread(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "partner");
        Stackless.expectPartner(partner);
        partner.start();
        AtomicReference<Object> outcome = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread th = new Thread(() -> {
            try {
                Stackless.runAsMain(() -> {
                    Channel<String> ch = new Channel<>();
                    waiting.countDown();
                    ch.receive();
                    outcome.set("received");
                });
            } catch (DeadlockException e) {
                outcome.set(e.getMessage());
            } catch (Exception e) {
                outcome.set(e);
            }
        });
        th.start();
        await(waiting);
        waitUntil(() -> th.getState() == Thread.State.TIMED_WAITING || th.getState() == Thread.State.WAITING,
                "the receiver waits for its partner");
        assertThat(outcome.get()).as("no deadlock while the partner may still come").isNull();
        release.countDown();
        th.join(20_000);
        partner.join(10_000);
        assertThat(outcome.get()).isEqualTo(DEADLOCK);
    }
}
