package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jstackless.Atomic;
import org.jstackless.Channel;
import org.jstackless.DeadlockException;
import org.jstackless.RunOptions;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of Stackless Python's {@code Stackless/unittests/test_thread.py} (and stackless-testsuite
 * {@code v3_1/tasklet/test_thread.py}) plus the threads part of issue 6: one scheduler per thread,
 * tasklets bound to their creating thread, cross-thread channels, requests on another thread's
 * tasklets, bindThread, threadblock and the global deadlock rule (spec §3.2, §3.8, §5.4, §9).
 *
 * <p>"Runs on thread X" is checked with {@code Stackless.main()} inside the tasklet (the scheduler of
 * the thread that runs it) and, for the mechanisms that run tasklets on the carrier thread itself,
 * with {@code Thread.currentThread()}.
 */
class ThreadTest {
    static final String DEADLOCK = org.jstackless.internal.Errors.DEADLOCK;

    /** Where a tasklet body runs: the main tasklet of the scheduler running it, and the Java thread. */
    record Where(Tasklet main, Thread javaThread, Tasklet current) {
        static Where here() {
            return new Where(Stackless.main(), Thread.currentThread(), Stackless.current());
        }

        boolean isOn(Tasklet expectedMain) {
            Thread t = expectedMain.thread();
            return main == expectedMain && (javaThread == t || javaThread.isVirtual());
        }
    }

    static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(1);
        }
    }

    static void await(CountDownLatch l) throws InterruptedException {
        assertThat(l.await(10, TimeUnit.SECONDS)).as("latch released within 10 s").isTrue();
    }

    // ------------------------------------------------------------------ per-thread schedulers

    // stackless-testsuite test_thread.py testRuncount / spec §9: a new thread sees its own main as current and runCount 1
    @SwitchingTest
    void newThreadHasItsOwnScheduler() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet.spawn(() -> {
            });
            assertThat(Stackless.runCount()).isEqualTo(2);
            Tasklet myMain = Stackless.main();
            List<Object> seen = Collections.synchronizedList(new ArrayList<>());
            Thread th = new Thread(() -> {
                // entered implicitly, on first use
                seen.add(Stackless.runCount());
                seen.add(Stackless.current() == Stackless.main());
                seen.add(Stackless.main() != myMain);
                seen.add(Stackless.main().thread() == Thread.currentThread());
                seen.add(Stackless.main().isAlive());
            });
            th.start();
            th.join(10_000);
            assertThat(seen).containsExactly(1, true, true, true, true);
            assertThat(Stackless.runCount()).as("the other thread did not touch this thread's queue").isEqualTo(2);
            Stackless.run();
            try (RemoteThread r = RemoteThread.start("remote", () -> List.of(Stackless.runCount(),
                    Stackless.current() == Stackless.main(), Stackless.main().thread() == Thread.currentThread()))) {
                assertThat(r.<List<Object>>setup()).containsExactly(1, true, true);
                assertThat(r.main()).isNotSameAs(myMain);
            }
        });
    }

    // test_thread.py RemoteTaskletTests / spec §9: tasklets are bound to their creating thread
    @SwitchingTest
    void taskletsBelongToTheirCreatingThread() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet local = Tasklet.spawn(() -> {
            });
            assertThat(local.thread()).isSameAs(Thread.currentThread());
            assertThat(Stackless.main().thread()).isSameAs(Thread.currentThread());
            try (RemoteThread r = RemoteThread.start("remote", () -> new Tasklet(() -> {
            }))) {
                Tasklet remote = r.setup();
                assertThat(remote.thread()).isSameAs(r.thread);
                assertThat(r.main().thread()).isSameAs(r.thread);
                assertThat(remote.isAlive()).isFalse();
            }
            Stackless.run();
        });
    }

    // ------------------------------------------------------------------ channels across threads

    // spec §9 / issue 6: a rendezvous with a receiver of another thread hands it over; the sender's thread never switches
    @SwitchingTest
    void sendToAReceiverOnAnotherThread() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>(); // preference -1: a local rendezvous would switch to the receiver
            AtomicReference<Object> got = new AtomicReference<>();
            AtomicReference<Where> where = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> {
                got.set(ch.receive());
                where.set(Where.here());
                done.countDown();
            }))) {
                Tasklet receiver = r.setup();
                waitUntil(() -> ch.balance() == -1, "B's tasklet is blocked receiving");
                assertThat(receiver.isBlocked()).isTrue();
                List<String> local = new ArrayList<>();
                Tasklet other = Tasklet.spawn(() -> local.add("other ran"));
                ch.send("hello");
                assertThat(Stackless.current()).as("the sender's thread did not switch").isSameAs(Stackless.main());
                assertThat(local).as("no local tasklet ran during the send").isEmpty();
                assertThat(Stackless.runCount()).isEqualTo(2);
                await(done);
                assertThat(got.get()).isEqualTo("hello");
                assertThat(where.get().isOn(r.main())).as("the receiver ran on its own thread B: %s", where.get()).isTrue();
                assertThat(where.get().current()).isSameAs(receiver);
                assertThat(ch.balance()).isZero();
                Stackless.run();
                assertThat(local).containsExactly("other ran");
                assertThat(other.isAlive()).isFalse();
            }
        });
    }

    // spec §9 / issue 6: receive from a sender of another thread, "regardless of preference" the receiver's thread does not switch
    @SwitchingTest
    void receiveFromASenderOnAnotherThread() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            ch.setPreference(1); // a local rendezvous would switch to the sender
            AtomicReference<Where> where = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> {
                ch.send("from B");
                where.set(Where.here());
                done.countDown();
            }))) {
                Tasklet sender = r.setup();
                waitUntil(() -> ch.balance() == 1, "B's tasklet is blocked sending");
                List<String> local = new ArrayList<>();
                Tasklet.spawn(() -> local.add("other ran"));
                assertThat(ch.receive()).isEqualTo("from B");
                assertThat(Stackless.current()).isSameAs(Stackless.main());
                assertThat(local).as("no local tasklet ran during the receive").isEmpty();
                await(done);
                assertThat(where.get().isOn(r.main())).as("the sender resumed on B: %s", where.get()).isTrue();
                assertThat(where.get().current()).isSameAs(sender);
                Stackless.run();
                assertThat(local).containsExactly("other ran");
            }
        });
    }

    // spec §5.4 rule 2 / issue 6: a thread whose tasklets all wait on another thread blocks (no deadlock) until that thread sends
    @SwitchingTest
    void mainBlocksUntilAnotherThreadSends() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            try (RemoteThread r = RemoteThread.start("B", () -> null)) {
                r.submit(() -> {
                    Stackless.sleep(Duration.ofMillis(100));
                    ch.send("late");
                    return null;
                });
                // nothing else is runnable here: main must wait for B instead of getting DeadlockException
                assertThat(ch.receive()).isEqualTo("late");
                // and the other direction: B's main receives what a tasklet of ours sends later
                CompletableFuture<Object> f = r.submit(ch::receive);
                Tasklet.spawn(() -> {
                    Stackless.sleep(Duration.ofMillis(50));
                    ch.send("to B");
                });
                Stackless.run();
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("to B");
            }
        });
    }

    // issue 6: "a tasklet never runs on two threads at once" and values are exchanged exactly once: ping-pong across threads
    @SwitchingTest
    void pingPongAcrossThreads() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ping = new Channel<>();
            Channel<Integer> pong = new Channel<>();
            int rounds = 2_000;
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> {
                for (int i = 0; i < rounds; i++) {
                    pong.send(ping.receive() + 1);
                }
            }))) {
                List<Integer> got = new ArrayList<>();
                Tasklet bPong = r.setup();
                for (int i = 0; i < rounds; i++) { // main blocks each time: it waits for B, no deadlock
                    ping.send(2 * i);
                    got.add(pong.receive());
                }
                assertThat(bPong.thread()).isSameAs(r.thread);
                assertThat(got).hasSize(rounds);
                for (int i = 0; i < rounds; i++) {
                    assertThat(got.get(i)).isEqualTo(2 * i + 1);
                }
            }
        });
    }

    // ------------------------------------------------------------------ requests on another thread's tasklets

    // test_thread.py TestRemoteSchedule.testInsert + TestRemove.test_insert_balance
    @SwitchingTest
    void insertATaskletOfAnotherThread() throws Throwable {
        Stackless.runAsMain(() -> {
            AtomicReference<Where> where = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> {
                where.set(Where.here());
                done.countDown();
            }).remove())) {
                Tasklet t = r.setup();
                assertThat(t.isPaused()).isTrue();
                int before = Stackless.runCount();
                assertThat(t.insert()).isSameAs(t);
                assertThat(Stackless.runCount()).as("a remote insert does not change the local runcount").isEqualTo(before);
                await(done);
                assertThat(where.get().isOn(r.main())).as("ran on B: %s", where.get()).isTrue();
            }
        });
    }

    // test_thread.py TestRemoteSchedule.testRun / spec §3.2: run() of another thread's tasklet does not switch the caller
    @SwitchingTest
    void runATaskletOfAnotherThread() throws Throwable {
        Stackless.runAsMain(() -> {
            AtomicReference<Where> where = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> {
                where.set(Where.here());
                done.countDown();
            }).remove())) {
                Tasklet t = r.setup();
                List<String> local = new ArrayList<>();
                Tasklet.spawn(() -> local.add("local ran"));
                t.run();
                assertThat(Stackless.current()).isSameAs(Stackless.main());
                assertThat(local).isEmpty();
                await(done);
                assertThat(where.get().isOn(r.main())).as("ran on B: %s", where.get()).isTrue();
                Stackless.run();
                assertThat(local).containsExactly("local ran");
            }
        });
    }

    // test_thread.py TestRemoteSchedule.testRunOrder, spec §3.2: with `t2.insert(); t3.insert(); t1.run()` under atomic
    // the remote order is t1, t2, t3. Adapted: without a GIL, an idle remote thread may start t2 before t1.run() is even
    // called, so the remote thread is kept *running* (its main busy, current) while the calls are made; the spec then
    // puts t1 "right after that thread's current tasklet" and t2, t3 at the end: order t1, t2, t3 once its main yields.
    @SwitchingTest
    void runOrderOfRemoteInsertAndRun() throws Throwable {
        Stackless.runAsMain(() -> {
            List<Integer> events = Collections.synchronizedList(new ArrayList<>());
            try (RemoteThread r = RemoteThread.start("B", () -> {
                List<Tasklet> ts = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int k = i;
                    ts.add(Tasklet.spawn(() -> events.add(k)).remove());
                }
                return ts;
            })) {
                List<Tasklet> ts = r.setup();
                CountDownLatch entered = new CountDownLatch(1);
                CountDownLatch gate = new CountDownLatch(1);
                CompletableFuture<Object> f = r.submit(() -> {
                    entered.countDown();
                    gate.await(10, TimeUnit.SECONDS); // B's main is running while A makes its calls
                    Stackless.run();                   // then it lets the queue run
                    return null;
                });
                await(entered);
                try (Atomic a = Stackless.atomic()) {
                    ts.get(1).insert();
                    ts.get(2).insert();
                    ts.get(0).run(); // t1 should run first
                }
                gate.countDown();
                f.get(10, TimeUnit.SECONDS);
                assertThat(events).containsExactly(0, 1, 2);
            }
        });
    }

    // spec §3.2/§9 (test_thread.py test_insert_balance: "only the runnable count on the remote thread should change"):
    // once insert() of a remote tasklet has returned, that tasklet is in the remote thread's run queue
    @SwitchingTest
    void remoteInsertIsInTheRemoteQueue() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> events.add("t ran")).remove())) {
                Tasklet t = r.setup();
                CountDownLatch entered = new CountDownLatch(1);
                CountDownLatch gate = new CountDownLatch(1);
                CompletableFuture<Object> f = r.submit(() -> {
                    entered.countDown();
                    gate.await(10, TimeUnit.SECONDS);
                    events.add("B runCount " + Stackless.runCount());
                    Stackless.schedule(); // the inserted tasklet is runnable: it runs now
                    events.add("B's schedule returned");
                    return null;
                });
                await(entered);
                t.insert();
                gate.countDown();
                f.get(10, TimeUnit.SECONDS);
                assertThat(events).containsExactly("B runCount 2", "t ran", "B's schedule returned");
            }
        });
    }

    // test_thread.py TestRemove.test_remove_balance, spec §9: "Remote remove()/insert() don't change the local runcount".
    // The remove is carried out by B at its next switch, so t must still be queued then: B's main waits for
    // its next command inside a command of its own (so B is busy, not running t) while A removes t.
    @SwitchingTest
    void removeATaskletOfAnotherThread() throws Throwable {
        Stackless.runAsMain(() -> {
            CountDownLatch removed = new CountDownLatch(1);
            CompletableFuture<Tasklet> created = new CompletableFuture<>();
            try (RemoteThread r = RemoteThread.start("B", () -> null)) {
                CompletableFuture<Object> busy = r.submit(() -> {
                    created.complete(new Tasklet(() -> {
                    }).setup());
                    removed.await(10, TimeUnit.SECONDS); // B's main holds the thread: t cannot run
                    Stackless.schedule();                // B's next switch carries out the remove
                    return Stackless.runCount();
                });
                Tasklet t = created.get(10, TimeUnit.SECONDS);
                int before = Stackless.runCount();
                t.remove();
                assertThat(Stackless.runCount()).isEqualTo(before);
                removed.countDown();
                assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(t.isScheduled()).isFalse();
                assertThat(t.isPaused()).isTrue();
            }
        });
    }

    // spec §9: kill() of a tasklet of another thread, blocked there on a channel, raises TaskletExit in it on its thread
    @SwitchingTest
    void killATaskletOfAnotherThread() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Where> where = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(2);
            try (RemoteThread r = RemoteThread.start("B", () -> List.of(Tasklet.spawn(() -> {
                try {
                    ch.receive();
                    events.add("received");
                } catch (TaskletExit e) {
                    where.set(Where.here());
                    events.add("TaskletExit");
                    done.countDown();
                    throw e;
                }
            }), Tasklet.spawn(() -> {
                try {
                    Stackless.sleep(Duration.ofSeconds(30));
                    events.add("slept");
                } catch (IllegalStateException e) {
                    events.add("sleeper got " + e.getMessage());
                    done.countDown();
                }
            })))) {
                List<Tasklet> ts = r.setup();
                waitUntil(() -> ch.balance() == -1, "B's tasklet is blocked");
                ts.get(0).kill();
                ts.get(1).throwInto(new IllegalStateException("wake up"));
                await(done);
                assertThat(events).containsExactlyInAnyOrder("TaskletExit", "sleeper got wake up");
                assertThat(where.get().isOn(r.main())).as("the kill was raised on B: %s", where.get()).isTrue();
                assertThat(ch.balance()).isZero();
            }
        });
    }

    // spec §3.11 (returns -> dead) / §9: a tasklet whose body returned is not alive, also when its thread
    // then has nothing runnable and waits for other threads
    @SwitchingTest
    void taskletThatEndedOnAWaitingThreadIsDead() throws Throwable {
        Stackless.runAsMain(() -> {
            CountDownLatch done = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> done.countDown()))) {
                Tasklet t = r.setup();
                await(done);
                waitUntil(() -> t.isAlive() == false || r.main().isBlocked(), "B is idle again");
                Thread.sleep(50); // B's main waits on its control channel: nothing runs there now
                assertThat(t.isAlive()).as("t's body returned").isFalse();
                assertThat(t.isCurrent()).as("t is not B's current tasklet any more").isFalse();
            }
        });
    }

    // spec §3.5 ("Dead tasklet: no-op") / §9: killing, from another thread, a tasklet that has ended on a now idle
    // thread does nothing there; in particular it must not reach that thread's main
    @SwitchingTest
    void killOfATaskletThatEndedOnAnIdleThreadIsANoOp() throws Throwable {
        Stackless.runAsMain(() -> {
            CountDownLatch done = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(() -> done.countDown()))) {
                Tasklet t = r.setup();
                await(done);
                waitUntil(() -> r.main().isBlocked(), "B's main waits on its control channel again");
                Thread.sleep(50);
                t.kill();
                Thread.sleep(100); // B drains the request, if one was posted
                assertThat(r.failure()).as("B's Stackless session is intact").isNull();
                assertThat(r.call(() -> "B still serves")).isEqualTo("B still serves");
            }
        });
    }

    // test_thread.py SwitchTest.test_switch / spec §3.2: switch() across threads is refused
    @SwitchingTest
    void switchToATaskletOfAnotherThreadIsRefused() throws Throwable {
        Stackless.runAsMain(() -> {
            try (RemoteThread r = RemoteThread.start("B", () -> {
                Tasklet t = Tasklet.spawn(Stackless::scheduleRemove);
                t.run(); // it pauses itself
                return t;
            })) {
                Tasklet t = r.setup();
                assertThat(t.isPaused()).isTrue();
                assertThatThrownBy(t::switchTo).isInstanceOf(IllegalStateException.class)
                        .hasMessage("can't switch to a different thread.");
                assertThat(Stackless.current()).isSameAs(Stackless.main());
                assertThat(t.isPaused()).isTrue();
            }
        });
    }

    // ------------------------------------------------------------------ bindThread

    /**
     * Whether a tasklet that has started may move to another thread: soft ones and virtual-thread
     * strands may; a started JDK continuation may not (its compiled frames may keep the old thread),
     * which is jstackless's counterpart of Stackless refusing a tasklet with C state (spec §3.8).
     */
    static boolean startedMayMove(Tasklet t) {
        return t.isSoft() || Switching.forced() == Mechanism.VIRTUAL_THREAD;
    }

    // test_thread.py BindThreadTest.testForeignThread_scheduled (bound from the owning thread) / issue 6:
    // "bindThread(t) moves a paused tasklet", which then runs on the new thread
    @SwitchingTest
    void bindThreadMovesAPausedTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            Thread a = Thread.currentThread();
            Tasklet aMain = Stackless.main();
            List<Object> events = Collections.synchronizedList(new ArrayList<>());
            try (RemoteThread r = RemoteThread.start("B", () -> {
                Tasklet fresh = Tasklet.spawn(() -> events.add(Where.here().isOn(aMain) ? "fresh ran on A" : "fresh ran elsewhere")).remove();
                assertThat(fresh.isPaused()).isTrue();
                fresh.bindThread(a);
                return fresh;
            })) {
                Tasklet t = r.setup();
                assertThat(t.thread()).isSameAs(a);
                assertThat(t.isAlive()).isTrue();
                assertThat(t.isPaused()).isTrue();
                t.insert();
                assertThat(t.isPaused()).isFalse();
                assertThat(Stackless.runCount()).isEqualTo(2);
                Stackless.run();
                assertThat(events).containsExactly("fresh ran on A");
                assertThat(t.isAlive()).isFalse();
            }
        });
    }

    // test_thread.py TestRebind.test_rebind / test_rebind_nontrivial, spec §3.8: a tasklet paused in the middle of its
    // body moves and resumes on the new thread when its frames can move; otherwise bindThread refuses (C state)
    @SwitchingTest
    void bindThreadOfAStartedTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            Thread a = Thread.currentThread();
            Tasklet aMain = Stackless.main();
            List<Object> events = Collections.synchronizedList(new ArrayList<>());
            try (RemoteThread r = RemoteThread.start("B", () -> {
                Tasklet bMain = Stackless.main();
                Tasklet started = Tasklet.spawn(() -> {
                    events.add(Where.here().isOn(bMain) ? "started on B" : "started elsewhere");
                    Stackless.scheduleRemove();
                    events.add(Where.here().isOn(aMain) ? "resumed on A" : Where.here().isOn(bMain) ? "resumed on B" : "?");
                });
                started.run();
                assertThat(started.isPaused()).isTrue();
                try {
                    started.bindThread(a);
                    events.add("bound");
                } catch (IllegalStateException e) {
                    events.add("refused");
                }
                return started;
            })) {
                Tasklet t = r.setup();
                if (startedMayMove(t)) {
                    assertThat(events).containsExactly("started on B", "bound");
                    assertThat(t.thread()).isSameAs(a);
                    t.run();
                    assertThat(events).containsExactly("started on B", "bound", "resumed on A");
                } else {
                    assertThat(events).containsExactly("started on B", "refused");
                    assertThat(t.thread()).isSameAs(r.thread);
                    t.insert(); // still B's: it resumes there
                    waitUntil(() -> events.size() == 3, "t resumed");
                    assertThat(events).containsExactly("started on B", "refused", "resumed on B");
                }
            }
        });
    }

    // issue 6: bindThread moves a *blocked* tasklet (when its frames can move); a rendezvous on its new thread is then local
    @SwitchingTest
    void bindThreadMovesABlockedTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            Thread a = Thread.currentThread();
            Tasklet aMain = Stackless.main();
            Channel<String> ch = new Channel<>();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Tasklet> bMain = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            try (RemoteThread r = RemoteThread.start("B", () -> {
                bMain.set(Stackless.main());
                return Tasklet.spawn(() -> {
                    String v = ch.receive();
                    events.add("got " + v + (Where.here().isOn(aMain) ? " on A" : Where.here().isOn(bMain.get()) ? " on B" : " ?"));
                    done.countDown();
                });
            })) {
                Tasklet t = r.setup();
                waitUntil(() -> ch.balance() == -1, "B's tasklet is blocked");
                boolean moves = startedMayMove(t);
                Object outcome;
                try {
                    outcome = r.call(() -> t.bindThread(a));
                } catch (IllegalStateException e) {
                    outcome = e;
                }
                assertThat(t.isBlocked()).isTrue();
                if (moves) {
                    assertThat(outcome).isSameAs(t);
                    assertThat(t.thread()).isSameAs(a);
                    ch.send("v"); // local now: preference -1 switches to the receiver at once
                    events.add("send returned");
                    assertThat(events).containsExactly("got v on A", "send returned");
                } else {
                    assertThat(outcome).isInstanceOf(IllegalStateException.class);
                    assertThat(t.thread()).isSameAs(r.thread);
                    ch.send("v"); // still across threads
                    await(done);
                    assertThat(events).containsExactly("got v on B");
                }
            }
        });
    }

    // test_thread.py DeadThreadTest.test_bind_runnable / spec §3.8: a tasklet in a run queue cannot be rebound
    @SwitchingTest
    void bindThreadOfARunnableTaskletIsRefused() throws Throwable {
        Stackless.runAsMain(() -> {
            Thread a = Thread.currentThread();
            try (RemoteThread r = RemoteThread.start("B", () -> {
                Tasklet t = Tasklet.spawn(() -> {
                });
                try {
                    t.bindThread(a);
                    return "no exception";
                } catch (IllegalStateException e) {
                    return e.getMessage() + " / still on B: " + (t.thread() == Thread.currentThread()) + " / scheduled: "
                            + t.isScheduled();
                }
            })) {
                assertThat(r.<String>setup()).isEqualTo("can't (re)bind a runnable tasklet / still on B: true / scheduled: true");
            }
        });
    }

    // spec §3.8 (ValueError "bad thread"): binding to a thread without a scheduler is refused
    @SwitchingTest
    void bindThreadToAThreadWithoutSchedulerIsRefused() throws Throwable {
        Stackless.runAsMain(() -> {
            Thread plain = new Thread(() -> {
            });
            plain.start();
            plain.join();
            Tasklet t = new Tasklet(() -> {
            });
            assertThatThrownBy(() -> t.bindThread(plain)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad thread");
            assertThat(t.thread()).isSameAs(Thread.currentThread());
            assertThat(t.bindThread(Thread.currentThread())).as("binding to its own thread is a no-op").isSameAs(t);
        });
    }

    // test_thread.py DeadThreadTest.test_rebound_tasklet_from_dead_thread + BindThreadTest.testForeignThread_scheduled,
    // spec §3.8 (bind_thread(thread_id=<current thread>)): the *receiving* thread pulls a paused tasklet of another thread
    @SwitchingTest
    void bindThreadCalledFromTheTargetThread() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet aMain = Stackless.main();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            try (RemoteThread r = RemoteThread.start("B", () -> Tasklet.spawn(
                    () -> events.add(Where.here().isOn(aMain) ? "ran on A" : "ran elsewhere")).remove())) {
                Tasklet t = r.setup();
                assertThat(t.isPaused()).isTrue();
                t.bindThread(Thread.currentThread());
                assertThat(t.thread()).isSameAs(Thread.currentThread());
                t.run();
                assertThat(events).containsExactly("ran on A");
                assertThat(t.isAlive()).isFalse();
            }
        });
    }

    // ------------------------------------------------------------------ threadblock and the global deadlock rule

    // spec §2.1/§5.4/§9 / issue 6: run(threadBlock) waits for another thread instead of reviving the watchdog
    @SwitchingTest
    void runWithThreadBlockWaitsForAnotherThread() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch receiving = new CountDownLatch(1);
            Tasklet t = Tasklet.spawn(() -> {
                receiving.countDown();
                events.add("got " + ch.receive());
            });
            // without threadBlock, run() returns as soon as nothing here is runnable (spec §5.4 rule 1)
            Stackless.run();
            assertThat(t.isBlocked()).isTrue();
            assertThat(events).isEmpty();
            CountDownLatch bEntered = new CountDownLatch(1);
            Thread b = new Thread(() -> {
                try {
                    Stackless.runAsMain(() -> {
                        bEntered.countDown();
                        Thread.sleep(100); // let A's run(threadBlock) find nothing runnable first
                        ch.send("from B");
                        events.add("B sent");
                    });
                } catch (Exception e) {
                    events.add("B failed: " + e);
                }
            }, "B");
            b.start();
            await(bEntered); // B has a scheduler: A may wait for it
            Stackless.run(RunOptions.ticks(0).threadBlock());
            b.join(10_000);
            assertThat(events).contains("got from B", "B sent");
            assertThat(t.isAlive()).isFalse();
        });
    }

    // spec §5.4 / issue 6: "when all such threads wait with nothing pending, each gets DeadlockException"
    @SwitchingTest
    void globalDeadlockAcrossTwoThreads() throws Throwable {
        // the test thread itself stays out of Stackless: it would be a live scheduler that could still send
        Channel<String> c1 = new Channel<>();
        Channel<String> c2 = new Channel<>();
        CyclicBarrier bothEntered = new CyclicBarrier(2);
        List<Object> outcomes = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (Channel<String> ch : List.of(c1, c2)) {
            Thread th = new Thread(() -> {
                try {
                    Stackless.runAsMain(() -> {
                        bothEntered.await(10, TimeUnit.SECONDS);
                        Tasklet t = Tasklet.spawn(() -> {
                            try {
                                ch.receive();
                                outcomes.add("tasklet received");
                            } catch (DeadlockException e) {
                                outcomes.add("tasklet: " + e.getMessage());
                            }
                        });
                        Stackless.run(RunOptions.ticks(0).threadBlock());
                        outcomes.add("run returned, tasklet alive " + t.isAlive());
                    });
                } catch (Exception e) {
                    outcomes.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(20_000);
            assertThat(th.isAlive()).as("deadlocked thread was woken").isFalse();
        }
        assertThat(outcomes).containsExactlyInAnyOrder("tasklet: " + DEADLOCK, "tasklet: " + DEADLOCK,
                "run returned, tasklet alive false", "run returned, tasklet alive false");
    }

    // spec §5.4 rule 3 across threads: two mains each receiving on a channel nobody sends both get DeadlockException
    @SwitchingTest
    void globalDeadlockOfTwoMains() throws Throwable {
        Channel<String> c1 = new Channel<>();
        Channel<String> c2 = new Channel<>();
        CyclicBarrier bothEntered = new CyclicBarrier(2);
        List<Object> outcomes = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (Channel<String> ch : List.of(c1, c2)) {
            Thread th = new Thread(() -> {
                try {
                    Stackless.runAsMain(() -> {
                        bothEntered.await(10, TimeUnit.SECONDS);
                        ch.receive();
                        outcomes.add("received");
                    });
                } catch (DeadlockException e) {
                    outcomes.add(e.getMessage());
                } catch (Exception e) {
                    outcomes.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(20_000);
            assertThat(th.isAlive()).as("deadlocked thread was woken").isFalse();
        }
        assertThat(outcomes).containsExactly(DEADLOCK, DEADLOCK);
        assertThat(c1.balance()).isZero();
        assertThat(c2.balance()).isZero();
    }

    // spec §5.4 rule 2: while the other thread lives and can still send, a waiting main is not declared deadlocked
    @SwitchingTest
    void noDeadlockWhileAnotherThreadCanStillSend() throws Throwable {
        Channel<String> ch = new Channel<>();
        CyclicBarrier bothEntered = new CyclicBarrier(2);
        List<Object> outcomes = Collections.synchronizedList(new ArrayList<>());
        Thread receiver = new Thread(() -> {
            try {
                Stackless.runAsMain(() -> {
                    bothEntered.await(10, TimeUnit.SECONDS);
                    outcomes.add("received " + ch.receive());
                });
            } catch (Exception e) {
                outcomes.add(e);
            }
        });
        Thread sender = new Thread(() -> {
            try {
                Stackless.runAsMain(() -> {
                    bothEntered.await(10, TimeUnit.SECONDS);
                    Thread.sleep(300); // busy outside the scheduler: the receiver must keep waiting
                    ch.send("late");
                });
            } catch (Exception e) {
                outcomes.add(e);
            }
        });
        receiver.start();
        sender.start();
        receiver.join(20_000);
        sender.join(20_000);
        assertThat(outcomes).containsExactly("received late");
    }
}
