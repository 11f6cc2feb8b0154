package org.jstackless.soft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jstackless.Channel;
import org.jstackless.Pickler;
import org.jstackless.Schedulers;
import org.jstackless.Select;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.jstackless.sync.Lock;
import org.junit.jupiter.api.Test;

/**
 * A soft tasklet whose frames could not unwind from a switch ({@link UnwindFailureTest}'s unwoven
 * delegate throws on the placeholder) ends at once: it is taken out of what it waits on (a channel's
 * queue, a select, a sleep) and its error is raised from {@code run()} right away. No partner can meet
 * it afterwards: a value sent later reaches a live receiver or waits for one, never the dead tasklet,
 * and the channel's balance counts only live waiters. Before, it stayed in the queue with its frames
 * dropped: a sender arriving later handed it its value, which was lost while the sender believed it
 * delivered, and with no partner the error was never reported.
 */
class FailedSwitchTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** Runs {@code body} as a thread's main tasklet, failing (not hanging) if it does not end in time. */
    private static void runAsMain(TaskletBody body) {
        assertTimeoutPreemptively(LIMIT, () -> Stackless.runAsMain(body));
    }

    private static void assertClearError(Throwable e) {
        assertThat(e).isInstanceOf(IllegalStateException.class);
        assertThat(e.getMessage()).startsWith("a soft tasklet could not switch").contains("UnwovenDelegate.get")
                .contains("Fix:");
        assertThat(e.getCause()).isInstanceOf(NullPointerException.class);
    }

    /**
     * A sender that runs after the failure, in the same run, does not meet the dead receiver: run()
     * raises the error before the sender's turn; then the sender blocks (balance 1) until a live
     * receiver takes its value.
     */
    @Test
    void aSenderArrivingAfterTheFailureBlocksAndItsValueReachesALiveReceiver() throws Exception {
        List<String> log = new ArrayList<>();
        Throwable[] raised = new Throwable[1];
        runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            UnwindFailureTest.Src outer = UnwindFailureTest.unwoven(() -> ch.receive());
            Tasklet dead = Tasklet.spawn(() -> log.add("dead got " + outer.get()));
            Tasklet sender = Tasklet.spawn(() -> {
                ch.send("a");
                log.add("sender done");
            });
            raised[0] = catchThrowable(Stackless::run);
            log.add("dead alive " + dead.isAlive() + ", sender alive " + sender.isAlive() + ", balance " + ch.balance());
            Stackless.run(); // the sender blocks: nobody receives
            log.add("sender blocked " + sender.isBlocked() + ", balance " + ch.balance());
            log.add("main got " + ch.receive());
            Stackless.run();
            log.add("sender alive " + sender.isAlive() + ", balance " + ch.balance());
        });
        assertThat(log).containsExactly("dead alive false, sender alive true, balance 0", "sender blocked true, balance 1",
                "main got a", "sender done", "sender alive false, balance 0");
        assertClearError(raised[0]);
    }

    /**
     * A sender that arrives after the failure meets the next live receiver in the queue, which was
     * queued behind the dead one, and other tasklets go on (a ping-pong pair on another channel).
     */
    @Test
    void aLaterSenderMeetsTheLiveReceiverQueuedBehindTheDeadOne() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Throwable[] raised = new Throwable[1];
        runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Channel<Integer> ping = new Channel<>();
            UnwindFailureTest.Src outer = UnwindFailureTest.unwoven(() -> ch.receive());
            Tasklet p = Tasklet.spawn(() -> {
                for (int i = 0; i < 3; i++) {
                    ping.send(i);
                }
            });
            Tasklet q = Tasklet.spawn(() -> {
                int sum = 0;
                for (int i = 0; i < 3; i++) {
                    sum += ping.receive();
                }
                log.add("pong sum " + sum);
            });
            Tasklet live = Tasklet.spawn(() -> log.add("live got " + ch.receive()));
            Tasklet dead = Tasklet.spawn(() -> log.add("dead got " + outer.get()));
            raised[0] = catchThrowable(Stackless::run); // live blocks, then dead fails behind it
            log.add("dead alive " + dead.isAlive() + ", balance " + ch.balance());
            ch.send("v"); // meets live, never the dead tasklet
            Stackless.run();
            log.add("live alive " + live.isAlive() + ", p alive " + p.isAlive() + ", q alive " + q.isAlive()
                    + ", balance " + ch.balance());
        });
        assertThat(log).containsExactly("dead alive false, balance -1", "live got v", "pong sum 3",
                "live alive false, p alive false, q alive false, balance 0");
        assertClearError(raised[0]);
    }

    /** A failure with no partner ever arriving is raised from run() at once; the queue is empty after. */
    @Test
    void withNoPartnerTheErrorIsRaisedFromRunAtOnce() throws Exception {
        List<String> log = new ArrayList<>();
        Throwable[] raised = new Throwable[1];
        runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            UnwindFailureTest.Src outer = UnwindFailureTest.unwoven(() -> ch.receive());
            Tasklet t = Tasklet.spawn(() -> log.add("t got " + outer.get()));
            raised[0] = catchThrowable(Stackless::run);
            log.add("t alive " + t.isAlive() + ", blocked " + t.isBlocked() + ", balance " + ch.balance()
                    + ", run count " + Stackless.runCount());
        });
        assertThat(log).containsExactly("t alive false, blocked false, balance 0, run count 1");
        assertClearError(raised[0]);
    }

    /** A select's cases all leave their queues: later senders on either channel block. */
    @Test
    void aFailedSelectLeavesEveryQueue() throws Exception {
        List<String> log = new ArrayList<>();
        Throwable[] raised = new Throwable[1];
        runAsMain(() -> {
            Channel<String> a = new Channel<>();
            Channel<String> b = new Channel<>();
            UnwindFailureTest.Src outer = UnwindFailureTest.unwoven(() -> new Select<String>()
                    .onReceive(a, v -> "a:" + v)
                    .onReceive(b, v -> "b:" + v)
                    .select());
            Tasklet t = Tasklet.spawn(() -> log.add("t got " + outer.get()));
            raised[0] = catchThrowable(Stackless::run);
            log.add("t alive " + t.isAlive() + ", balances " + a.balance() + " " + b.balance());
            Tasklet sa = Tasklet.spawn(() -> a.send("1"));
            Tasklet sb = Tasklet.spawn(() -> b.send("2"));
            Stackless.run();
            log.add("senders blocked " + sa.isBlocked() + " " + sb.isBlocked() + ", balances " + a.balance() + " "
                    + b.balance());
            log.add("got " + a.receive() + " " + b.receive());
        });
        assertThat(log).containsExactly("t alive false, balances 0 0", "senders blocked true true, balances 1 1",
                "got 1 2");
        assertClearError(raised[0]);
    }

    /**
     * A tasklet waiting for a lock leaves the lock's queue too: the release hands the lock to the
     * live waiter behind it (not to the dead one, which would lose the lock and block the releaser).
     */
    @Test
    void aLockPassesOverTheDeadWaiter() throws Exception {
        List<String> log = new ArrayList<>();
        Throwable[] raised = new Throwable[1];
        runAsMain(() -> {
            Lock lock = new Lock();
            lock.acquire();
            UnwindFailureTest.Src outer = UnwindFailureTest.unwoven(() -> {
                lock.acquire();
                return "locked";
            });
            Tasklet dead = Tasklet.spawn(() -> log.add("dead got " + outer.get()));
            raised[0] = catchThrowable(Stackless::run);
            Tasklet live = Tasklet.spawn(() -> {
                lock.acquire();
                log.add("live has it");
                lock.release();
            });
            Stackless.run(); // live waits for the lock
            log.add("dead alive " + dead.isAlive() + ", live blocked " + live.isBlocked());
            lock.release();
            Stackless.run();
            log.add("live alive " + live.isAlive() + ", locked " + lock.isLocked());
        });
        assertThat(log).containsExactly("dead alive false, live blocked true", "live has it", "live alive false, locked false");
        assertClearError(raised[0]);
    }

    /**
     * A long sleep is cut short: its timer is dropped and run() raises at once. (The switch away from
     * the sleeper goes to another tasklet: with nothing else runnable, the scheduler would wait for the
     * timer on the sleeper's own stack and resume it without any switch.)
     */
    @Test
    void aFailedSleepIsCutShort() throws Exception {
        List<String> log = new ArrayList<>();
        Throwable[] raised = new Throwable[1];
        runAsMain(() -> {
            UnwindFailureTest.Src outer = UnwindFailureTest.unwoven(() -> {
                Stackless.sleep(Duration.ofHours(1));
                return "slept";
            });
            Tasklet t = Tasklet.spawn(() -> log.add("t got " + outer.get()));
            Tasklet u = Tasklet.spawn(() -> log.add("u runs"));
            raised[0] = catchThrowable(Stackless::run);
            log.add("t alive " + t.isAlive() + ", u alive " + u.isAlive());
            Stackless.run(); // u runs; no timer is left to wait for
        });
        assertThat(log).containsExactly("t alive false, u alive true", "u runs");
        assertClearError(raised[0]);
    }

    /**
     * A wait for a future cannot be taken back: the tasklet ends when the outcome arrives (as a kill
     * would wait), is not picklable meanwhile, and run() then raises the error.
     */
    @Test
    void aFailedAwaitEndsWhenItsOutcomeArrives() throws Exception {
        List<String> log = new ArrayList<>();
        Throwable[] raised = new Throwable[1];
        CompletableFuture<String> future = new CompletableFuture<>();
        runAsMain(() -> {
            UnwindFailureTest.Src outer = UnwindFailureTest.unwoven(() -> Stackless.await(future));
            Tasklet t = Tasklet.spawn(() -> log.add("t got " + outer.get()));
            Tasklet u = Tasklet.spawn(() -> {
                Throwable pe = catchThrowable(() -> Pickler.builder()
                        .signingKey("failed-switch-test-signing-key!!".getBytes(StandardCharsets.UTF_8)).build().dumps(t));
                log.add("pickle " + pe.getClass().getSimpleName());
                log.add("t alive " + t.isAlive());
                future.complete("done");
            });
            raised[0] = catchThrowable(Stackless::run);
            log.add("t alive " + t.isAlive() + ", u alive " + u.isAlive());
        });
        assertThat(log).containsExactly("pickle NotPicklableException", "t alive true", "t alive false, u alive false");
        assertClearError(raised[0]);
    }

    /**
     * M:N pool: the failure is reported to the carrier's uncaught-exception handler at once, and a
     * value sent afterwards reaches a live receiver.
     */
    @Test
    void inAPoolTheErrorIsReportedAndALaterValueReachesALiveReceiver() throws Exception {
        List<Throwable> seen = Collections.synchronizedList(new ArrayList<>());
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        try (Schedulers pool = Schedulers.start(2)) {
            for (Thread th : pool.threads()) {
                th.setUncaughtExceptionHandler((x, e) -> seen.add(e));
            }
            Channel<String> ch = new Channel<>();
            UnwindFailureTest.Src outer = UnwindFailureTest.unwoven(() -> ch.receive());
            Tasklet dead = pool.spawn(() -> got.add("dead got " + outer.get()));
            assertThat(pool.join(LIMIT)).isTrue();
            assertThat(seen).hasSize(1);
            assertClearError(seen.get(0));
            assertThat(dead.isAlive()).isFalse();
            assertThat(ch.balance()).isZero();
            pool.spawn(() -> ch.send("v"));
            assertThat(pool.join(LIMIT)).isTrue();
            assertThat(ch.balance()).isEqualTo(1); // the sender waits: nobody to meet
            pool.spawn(() -> got.add("live got " + ch.receive()));
            assertThat(pool.join(LIMIT)).isTrue();
            assertThat(got).containsExactly("live got v");
            assertThat(ch.balance()).isZero();
            assertThat(seen).hasSize(1);
        }
    }
}
