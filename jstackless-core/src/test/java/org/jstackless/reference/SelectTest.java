package org.jstackless.reference;

import org.jstackless.testing.SwitchingTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.ChannelClosedException;
import org.jstackless.DeadlockException;
import org.jstackless.Pickler;
import org.jstackless.Select;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;

/**
 * {@link Select} within one thread, in every switching mechanism. Ports, where they apply, of
 * kotlinx.coroutines {@code kotlinx-coroutines-core/common/test/selects/SelectRendezvousChannelTest.kt}
 * and {@code SelectTimeoutTest.kt}, and of Go's {@code src/runtime/chan_test.go} and
 * {@code test/chan/nonblock.go}, {@code test/chan/select3.go}; the test names say which.
 */
class SelectTest {

    // SelectRendezvousChannelTest.testSelectReceiveSuccess: a sender already waits.
    @SwitchingTest
    void receiveFromAWaitingSender() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> a = new Channel<>();
            Channel<String> b = new Channel<>();
            Tasklet sender = Tasklet.spawn(() -> b.send("OK"));
            sender.run();
            assertThat(b.balance()).isOne();
            String got = new Select<String>()
                    .onReceive(a, v -> "a " + v)
                    .onReceive(b, v -> "b " + v)
                    .select();
            assertThat(got).isEqualTo("b OK");
            assertThat(a.balance()).isZero();
            assertThat(b.balance()).isZero();
            Stackless.run();
            assertThat(sender.isAlive()).isFalse();
        });
    }

    // SelectRendezvousChannelTest.testSelectSendSuccess: a receiver already waits; preference -1 runs it at once.
    @SwitchingTest
    void sendToAWaitingReceiverFollowsThePreference() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> log = new ArrayList<>();
            Channel<String> ch = new Channel<>();
            Tasklet receiver = Tasklet.spawn(() -> log.add("received " + ch.receive()));
            receiver.run();
            String r = new Select<String>().onSend(ch, "OK", () -> {
                log.add("send case");
                return "sent";
            }).select();
            assertThat(r).isEqualTo("sent");
            assertThat(log).containsExactly("received OK", "send case");
            assertThat(receiver.isAlive()).isFalse();

            ch.setPreference(0); // now the selecting tasklet continues and the receiver runs later
            log.clear();
            receiver = Tasklet.spawn(() -> log.add("received " + ch.receive()));
            receiver.run();
            new Select<Void>().onSend(ch, "later", () -> {
                log.add("send case");
                return null;
            }).select();
            assertThat(log).containsExactly("send case");
            Stackless.run();
            assertThat(log).containsExactly("send case", "received later");
        });
    }

    // SelectRendezvousChannelTest.testSelectReceiveWait / testSelectSendWait: the select blocks, a partner comes.
    @SwitchingTest
    void blocksUntilAPartnerComesAndLeavesEveryQueue() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            Channel<Integer> out = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet selector = Tasklet.spawn(() -> log.add(new Select<String>()
                    .onReceive(a, v -> "a " + v)
                    .onReceive(b, v -> "b " + v)
                    .onSend(out, 9, () -> "sent 9")
                    .select()));
            selector.run();
            assertThat(selector.isBlocked()).isTrue();
            assertThat(a.balance()).isEqualTo(-1);
            assertThat(b.balance()).isEqualTo(-1);
            assertThat(out.balance()).isEqualTo(1);
            assertThat(a.queue()).isSameAs(selector);
            b.send(5);
            assertThat(log).containsExactly("b 5");
            assertThat(a.balance()).isZero();
            assertThat(b.balance()).isZero();
            assertThat(out.balance()).isZero();
            assertThat(selector.isAlive()).isFalse();

            log.clear();
            selector = Tasklet.spawn(() -> log.add(new Select<String>()
                    .onReceive(a, v -> "a " + v)
                    .onSend(out, 9, () -> "sent 9")
                    .select()));
            selector.run();
            assertThat(out.receive()).isEqualTo(9);
            Stackless.run();
            assertThat(log).containsExactly("sent 9");
            assertThat(a.balance()).isZero();
        });
    }

    // SelectRendezvousChannelTest.testSelectSendWaitWithDefault / testSelectReceiveWaitWithDefault; Go test/chan/nonblock.go
    @SwitchingTest
    void defaultRunsWhenNothingIsReady() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            String r = new Select<String>()
                    .onReceive(a, v -> "a")
                    .onSend(b, 1, () -> "b")
                    .orDefault(() -> "default")
                    .select();
            assertThat(r).isEqualTo("default");
            assertThat(a.balance()).isZero();
            assertThat(b.balance()).isZero();
            assertThat(Stackless.runCount()).isOne();
            // a default never blocks: allowed under a block trap
            Stackless.current().setBlockTrap(true);
            try {
                assertThat(new Select<String>().onReceive(a, v -> "a").orDefault(() -> "d").select()).isEqualTo("d");
            } finally {
                Stackless.current().setBlockTrap(false);
            }
        });
    }

    // SelectRendezvousChannelTest.testSelectSendSuccessWithDefault / testSelectReceiveSuccessWithDefault
    @SwitchingTest
    void defaultIsNotTakenWhenACaseIsReady() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet.spawn(() -> ch.send(3)).run();
            String r = new Select<String>().onReceive(ch, v -> "got " + v).orDefault(() -> "default").select();
            assertThat(r).isEqualTo("got 3");
            Stackless.run();
        });
    }

    // SelectTimeoutTest.testBasic: the timeout clause fires when no channel does.
    @SwitchingTest
    void timeoutFiresWhenNoCaseDoes() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            String r = new Select<String>()
                    .onReceive(a, v -> "a")
                    .onSend(b, 1, () -> "b")
                    .timeout(Duration.ofMillis(20), () -> "timeout")
                    .select();
            assertThat(r).isEqualTo("timeout");
            assertThat(a.balance()).isZero();
            assertThat(b.balance()).isZero();
            assertThat(new Select<String>().onReceive(a, v -> "a").timeout(Duration.ZERO, () -> "now").select())
                    .as("a zero timeout acts as a default").isEqualTo("now");
        });
    }

    // SelectTimeoutTest: a case that completes first wins; its timer is dropped and never wakes anyone.
    @SwitchingTest
    void aCaseBeatsTheTimeoutAndTheTimerIsDropped() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet selector = Tasklet.spawn(() -> {
                log.add(new Select<String>()
                        .onReceive(a, v -> "a " + v)
                        .timeout(Duration.ofSeconds(30), () -> "timeout")
                        .select());
                log.add(a.receive() + ""); // blocks again: a stray timer would wake it wrongly
            });
            selector.run();
            a.send(1);
            assertThat(log).containsExactly("a 1");
            a.send(2);
            assertThat(log).containsExactly("a 1", "2");
            // With the 30 s timer gone nothing is waited for: run() returns at once.
            long t0 = System.nanoTime();
            Stackless.run();
            assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(20).toNanos());
        });
    }

    // A tasklet waits for a timer and another's channel at once: the partner comes before the timeout.
    @SwitchingTest
    void timeoutSelectWakesForALaterPartner() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> a = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet.spawn(() -> log.add(new Select<String>()
                    .onReceive(a, v -> v)
                    .timeout(Duration.ofSeconds(30), () -> "timeout")
                    .select()));
            Tasklet.spawn(() -> {
                Stackless.sleep(Duration.ofMillis(10));
                a.send("late but in time");
            });
            Stackless.run();
            assertThat(log).containsExactly("late but in time");
        });
    }

    @SwitchingTest
    void sendExceptionReachesTheSelectingTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet selector = Tasklet.spawn(() -> {
                try {
                    new Select<String>().onReceive(a, v -> "a").onReceive(b, v -> "b").select();
                } catch (IllegalArgumentException e) {
                    log.add("caught " + e.getMessage());
                }
            });
            selector.run();
            b.sendException(new IllegalArgumentException("boom"));
            assertThat(log).containsExactly("caught boom");
            assertThat(a.balance()).isZero();
            // and when the sender waits first
            Tasklet.spawn(() -> a.sendException(new IllegalArgumentException("early"))).run();
            assertThatThrownBy(() -> new Select<String>().onReceive(a, v -> "a").select())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("early");
        });
    }

    @SwitchingTest
    void killWhileSelectingLeavesEveryQueue() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet selector = Tasklet.spawn(() -> {
                try {
                    new Select<String>().onReceive(a, v -> "a").onSend(b, 1, () -> "b")
                            .timeout(Duration.ofSeconds(30), () -> "t").select();
                } finally {
                    log.add("finally");
                }
            });
            selector.run();
            assertThat(a.balance()).isEqualTo(-1);
            assertThat(b.balance()).isEqualTo(1);
            selector.kill();
            assertThat(log).containsExactly("finally");
            assertThat(selector.isAlive()).isFalse();
            assertThat(a.balance()).isZero();
            assertThat(b.balance()).isZero();
            assertThat(a.queue()).isNull();
            long t0 = System.nanoTime();
            Stackless.run(); // the timer went with the select
            assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(20).toNanos());
        });
    }

    @SwitchingTest
    void throwIntoWhileSelectingThenSelectAgain() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            List<String> log = new ArrayList<>();
            Select<String> sel = new Select<String>().onReceive(a, v -> "a " + v).onReceive(b, v -> "b " + v);
            Tasklet selector = Tasklet.spawn(() -> {
                try {
                    sel.select();
                } catch (IllegalStateException e) {
                    log.add("thrown " + e.getMessage());
                }
                log.add(sel.select()); // the same Select, again
            });
            selector.run();
            selector.throwInto(new IllegalStateException("wake up"));
            assertThat(log).containsExactly("thrown wake up");
            assertThat(a.balance()).isEqualTo(-1);
            assertThat(b.balance()).isEqualTo(-1);
            a.send(4);
            assertThat(log).containsExactly("thrown wake up", "a 4");
            assertThat(b.balance()).isZero();
        });
    }

    @SwitchingTest
    void closingAChannelWakesTheSelectButNotPlainWaiters() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet plain = Tasklet.spawn(() -> log.add("plain " + a.receive()));
            Tasklet selector = Tasklet.spawn(() -> {
                try {
                    new Select<String>().onReceive(a, v -> "a").onReceive(b, v -> "b").select();
                } catch (ChannelClosedException e) {
                    log.add("closed: " + e.getMessage().startsWith(Spec.CLOSED));
                }
            });
            plain.run(); // plain blocks, then the selector runs and blocks
            assertThat(selector.isBlocked()).isTrue();
            assertThat(a.balance()).isEqualTo(-2);
            a.close();
            assertThat(a.balance()).as("the plain receiver stays (spec 4.2)").isEqualTo(-1);
            assertThat(b.balance()).isZero();
            assertThat(a.queue()).isSameAs(plain);
            assertThat(selector.isBlocked()).isFalse();
            Stackless.run();
            assertThat(log).containsExactly("closed: true");
            assertThat(plain.isBlocked()).isTrue();
            a.open();
            a.send(1);
            assertThat(log).containsExactly("closed: true", "plain 1");
        });
    }

    @SwitchingTest
    void aClosingChannelRefusesToBlockUnlessACaseIsReadyOrThereIsADefault() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            a.close();
            assertThatThrownBy(() -> new Select<String>().onReceive(a, v -> "a").onReceive(b, v -> "b").select())
                    .isInstanceOf(ChannelClosedException.class).hasMessage(Spec.CLOSED);
            assertThat(b.balance()).isZero();
            assertThat(new Select<String>().onReceive(a, v -> "a").orDefault(() -> "d").select()).isEqualTo("d");
            Tasklet.spawn(() -> b.send(2)).run();
            assertThat(new Select<String>().onReceive(a, v -> "a").onReceive(b, v -> "b " + v).select())
                    .isEqualTo("b 2");
        });
    }

    @SwitchingTest
    void trapsRefuseToBlockAndChangeNothing() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Tasklet me = Stackless.current();
            me.setBlockTrap(true);
            try {
                assertThatThrownBy(() -> new Select<String>().onReceive(a, v -> "a").select())
                        .isInstanceOf(IllegalStateException.class).hasMessage(Spec.BLOCK_TRAP);
            } finally {
                me.setBlockTrap(false);
            }
            assertThat(a.balance()).isZero();
            Tasklet.spawn(() -> a.receive()).run();
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(() -> new Select<String>().onSend(a, 1, () -> "sent").select())
                        .isInstanceOf(IllegalStateException.class).hasMessage(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(a.balance()).as("the receiver still waits").isEqualTo(-1);
            a.send(1);
        });
    }

    @SwitchingTest
    void mainSelectingWithNobodyToAnswerIsADeadlock() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            assertThatThrownBy(() -> new Select<String>().onReceive(a, v -> "a").onSend(b, 1, () -> "b").select())
                    .isInstanceOf(DeadlockException.class);
            assertThat(a.balance()).isZero();
            assertThat(b.balance()).isZero();
        });
    }

    // Go chan_test.go TestSelfSelect: here refused, since the two cases could only meet each other.
    @SwitchingTest
    void sendAndReceiveOnOneChannelIsRefused() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            assertThatThrownBy(() -> new Select<String>().onReceive(a, v -> "r").onSend(a, 1, () -> "s"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both send and receive");
        });
    }

    // Go chan_test.go TestSelectDuplicateChannel: two receive cases on one channel.
    @SwitchingTest
    void twoCasesOnOneChannel() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet selector = Tasklet.spawn(() -> log.add(new Select<String>()
                    .onReceive(a, v -> "first " + v).onReceive(a, v -> "second " + v).select()));
            selector.run();
            assertThat(a.balance()).isEqualTo(-2);
            a.send(1);
            assertThat(log).hasSize(1).allMatch(s -> s.endsWith(" 1"));
            assertThat(a.balance()).isZero();
        });
    }

    // Go chan_test.go TestSelectFairness: with two cases ready, each is chosen half of the time.
    @SwitchingTest
    void fairnessIsUniformAmongReadyCases() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>(1);
            Channel<Integer> b = new Channel<>(1);
            a.send(0);
            b.send(1);
            int n = 10_000;
            int[] count = new int[2];
            Select<Integer> sel = new Select<Integer>().onReceive(a, v -> v).onReceive(b, v -> v);
            for (int i = 0; i < n; i++) {
                int got = sel.select();
                count[got]++;
                (got == 0 ? a : b).send(got); // both stay ready
            }
            double expected = n / 2.0;
            double chi2 = Math.pow(count[0] - expected, 2) / expected + Math.pow(count[1] - expected, 2) / expected;
            // 1 degree of freedom: P(chi2 > 30) is about 4e-8, so a fair choice never fails this.
            assertThat(chi2).as("chi-square of %s", java.util.Arrays.toString(count)).isLessThan(30.0);
        });
    }

    // Go chan_test.go TestMultiConsumer, with select: producers on two channels, one selecting consumer.
    @SwitchingTest
    void everyValueArrivesOnceThroughASelectLoop() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>(3);
            int per = 200;
            for (int p = 0; p < 4; p++) {
                int base = p * per;
                Channel<Integer> ch = p % 2 == 0 ? a : b;
                Tasklet.spawn(() -> {
                    for (int i = 0; i < per; i++) {
                        ch.send(base + i);
                        if (i % 7 == 0) {
                            Stackless.schedule();
                        }
                    }
                });
            }
            boolean[] seen = new boolean[4 * per];
            int[] received = new int[1];
            Select<Integer> sel = new Select<Integer>().onReceive(a, v -> v).onReceive(b, v -> v);
            Tasklet consumer = Tasklet.spawn(() -> {
                for (int i = 0; i < 4 * per; i++) {
                    int v = sel.select();
                    assertThat(seen[v]).isFalse();
                    seen[v] = true;
                    received[0]++;
                }
            });
            Stackless.run();
            assertThat(received[0]).isEqualTo(4 * per);
            assertThat(consumer.isAlive()).isFalse();
            assertThat(a.balance()).isZero();
            assertThat(b.balance()).isZero();
        });
    }

    @SwitchingTest
    void channelCallbackReportsSelectOperations() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            List<String> log = new ArrayList<>();
            var old = Stackless.setChannelCallback((ch, t, sending, willBlock) ->
                    log.add((ch == a ? "a" : "b") + (sending ? " send" : " receive") + (willBlock ? " blocks" : " completes")));
            try {
                Tasklet selector = Tasklet.spawn(() -> new Select<String>().onReceive(a, v -> "a").onSend(b, 1, () -> "b").select());
                selector.run();
                assertThat(log).containsExactlyInAnyOrder("a receive blocks", "b send blocks");
                log.clear();
                a.send(1);
                assertThat(log).containsExactly("a send completes");
                log.clear();
                Tasklet.spawn(() -> b.receive()).run();
                log.clear();
                new Select<String>().onReceive(a, v -> "a").onSend(b, 2, () -> "b").select();
                assertThat(log).containsExactly("b send completes");
            } finally {
                Stackless.setChannelCallback(old);
            }
        });
    }

    @SwitchingTest
    void aSelectingTaskletReportsItsStateAndPicklesWhenSoft() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            Tasklet selector = Tasklet.spawn(() -> new Select<String>().onReceive(a, v -> "a").onReceive(b, v -> "b").select());
            selector.run();
            assertThat(selector.isBlocked()).isTrue();
            assertThat(selector.isScheduled()).isTrue();
            assertThat(selector.blockedOn()).isIn(a, b);
            assertThat(selector.next()).isNull();
            assertThatThrownBy(selector::run).isInstanceOf(IllegalStateException.class).hasMessage(Spec.RUN_BLOCKED);
            assertThatThrownBy(selector::remove).isInstanceOf(IllegalStateException.class).hasMessage(Spec.REMOVE_BLOCKED);
            if (selector.isSoft()) {
                // Pickled with its select (PickleSelectTest loads it back); the selector is not changed.
                assertThat(Pickler.builder().signingKey("a test key of 16+ bytes".getBytes()).allow(SelectTest.class).build()
                        .dumps(selector)).isNotEmpty();
                assertThat(selector.isBlocked()).isTrue();
            }
            selector.kill();
            assertThat(selector.isAlive()).isFalse();
            assertThat(a.balance()).isZero();
            assertThat(b.balance()).isZero();
        });
    }

    @SwitchingTest
    void aSelectInUseByABlockedTaskletIsRefusedToAnother() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Select<String> sel = new Select<String>().onReceive(a, v -> "a");
            Tasklet first = Tasklet.spawn(sel::select);
            first.run();
            assertThatThrownBy(sel::select).isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
            first.kill(); // TaskletExit ends it
            assertThat(a.balance()).isZero();
            assertThat(new Select<String>().orDefault(() -> "only a default").select()).isEqualTo("only a default");
            assertThatThrownBy(() -> new Select<String>().select()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs a case");
        });
    }

    @SwitchingTest
    void killedSelectorFinallySeesTaskletExit() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet selector = Tasklet.spawn(() -> {
                try {
                    new Select<String>().onReceive(a, v -> "a").select();
                } catch (TaskletExit e) {
                    log.add("exit");
                    throw e;
                }
            });
            selector.run();
            selector.kill();
            assertThat(log).containsExactly("exit");
        });
    }
}
