package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.ChannelClosedException;
import org.jstackless.DeadlockException;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of Stackless Python's {@code Stackless/unittests/test_channel.py} (class TestChannels, TestClose),
 * plus the channel attribute checks of stackless-testsuite {@code v3_1/channel/test_channel.py}.
 */
class ChannelTest {

    // test_channel.py TestChannels.testBlockingSend
    @SwitchingTest
    void testBlockingSend() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> ch.send(1));
            assertThat(Stackless.runCount()).isEqualTo(2);
            t.run();
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(t.isBlocked()).isTrue();
            assertThat(t.blockedOn()).isSameAs(ch);
            assertThat(ch.balance()).isEqualTo(1);
            assertThat(t.tempval()).as("a blocked sender's tempval is the value in flight").isEqualTo(1);
            t.kill();
        });
    }

    // test_channel.py TestChannels.testBlockingReceive
    @SwitchingTest
    void testBlockingReceive() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(ch::receive);
            assertThat(Stackless.runCount()).isEqualTo(2);
            t.run();
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(t.isBlocked()).isTrue();
            assertThat(ch.balance()).isEqualTo(-1);
            t.kill();
            assertThat(ch.balance()).isZero();
        });
    }

    // test_channel.py TestChannels.testNonBlockingSend
    @SwitchingTest
    void testNonBlockingSend() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            List<Integer> received = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> received.add(ch.receive()));
            t.run();
            Tasklet main = Stackless.current();
            main.setBlockTrap(true);
            try {
                ch.send(1); // a receiver waits: must not block
            } finally {
                main.setBlockTrap(false);
            }
            assertThat(received).containsExactly(1);
            assertThat(t.isAlive()).isFalse();
        });
    }

    // test_channel.py TestChannels.testNonBlockingReceive
    @SwitchingTest
    void testNonBlockingReceive() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> ch.send(7));
            t.run();
            Tasklet main = Stackless.current();
            main.setBlockTrap(true);
            Integer v;
            try {
                v = ch.receive();
            } finally {
                main.setBlockTrap(false);
            }
            assertThat(v).isEqualTo(7);
            assertThat(t.isScheduled()).as("sender rescheduled at the end of the queue").isTrue();
            t.kill();
        });
    }

    // test_channel.py TestChannels.testBlockTrapSend (on main and on a worker)
    @SwitchingTest
    void testBlockTrapSend() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            org.jstackless.TaskletBody f = () -> {
                Tasklet me = Stackless.current();
                boolean old = me.blockTrap();
                me.setBlockTrap(true);
                try {
                    assertThatThrownBy(() -> ch.send(null))
                            .isInstanceOf(IllegalStateException.class).hasMessage(Spec.BLOCK_TRAP);
                } finally {
                    me.setBlockTrap(old);
                }
                ev.add(me.isMain() ? "main" : "worker");
            };
            f.run();
            Tasklet.spawn(f);
            assertThat(Stackless.runCount()).isEqualTo(2);
            Stackless.run();
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(ev).containsExactly("main", "worker");
            assertThat(ch.balance()).isZero();
        });
    }

    // test_channel.py TestChannels.testBlockTrapRecv
    @SwitchingTest
    void testBlockTrapRecv() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            org.jstackless.TaskletBody f = () -> {
                Tasklet me = Stackless.current();
                me.setBlockTrap(true);
                try {
                    assertThatThrownBy(ch::receive)
                            .isInstanceOf(IllegalStateException.class).hasMessage(Spec.BLOCK_TRAP);
                } finally {
                    me.setBlockTrap(false);
                }
                ev.add(me.isMain() ? "main" : "worker");
            };
            f.run();
            Tasklet.spawn(f);
            Stackless.run();
            assertThat(ev).containsExactly("main", "worker");
        });
    }

    // test_channel.py TestChannels.testMainTaskletBlockingWithoutASender
    @SwitchingTest
    void testMainTaskletBlockingWithoutASender() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            assertThatThrownBy(ch::receive).isInstanceOf(DeadlockException.class).hasMessage(Spec.DEADLOCK);
            assertThat(ch.balance()).as("the failed receiver is unblocked again").isZero();
            assertThat(Stackless.current().isBlocked()).isFalse();
        });
    }

    // test_channel.py TestChannels.testMainTaskletBlockingWithoutReceiver
    @SwitchingTest
    void testMainTaskletBlockingWithoutReceiver() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            assertThatThrownBy(() -> ch.send(1)).isInstanceOf(DeadlockException.class).hasMessage(Spec.DEADLOCK);
            assertThat(ch.balance()).isZero();
        });
    }

    // test_channel.py TestChannels.testSendException
    @SwitchingTest
    void testSendException() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            IllegalArgumentException boom = new IllegalArgumentException("1, 2, 3");
            Tasklet t = Tasklet.spawn(() -> ch.sendException(boom));
            t.run();
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(ch.balance()).isEqualTo(1);
            assertThatThrownBy(ch::receive).isSameAs(boom);
            // a second time, checking the exception's content
            Tasklet.spawn(() -> ch.sendException(new IllegalArgumentException("second")));
            Stackless.current().next().run();
            assertThatThrownBy(ch::receive).isInstanceOf(IllegalArgumentException.class).hasMessage("second");
            Stackless.run();
        });
    }

    // test_channel.py TestChannels.testSendException, with a checked exception (rethrown as-is)
    @SwitchingTest
    void testSendCheckedException() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                try {
                    ch.receive();
                    ev.add("no exception");
                } catch (Exception e) {
                    ev.add(e.getClass().getSimpleName() + ":" + e.getMessage());
                }
            });
            Stackless.run(); // receiver blocks, run() returns
            ch.sendException(new IOException("disk"));
            assertThat(ev).containsExactly("IOException:disk");
        });
    }

    // test_channel.py TestChannels.testBlockingReceiveOnMainTasklet
    @SwitchingTest
    void testBlockingReceiveOnMainTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            List<Integer> sent = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                for (int i = 0; i < 10; i++) {
                    ch.send(i);
                    sent.add(i);
                }
            });
            t.run();
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(sent).isEmpty();
            assertThat(ch.balance()).isEqualTo(1);
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                got.add(ch.receive());
            }
            assertThat(got).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(ch.balance()).isZero();
            Stackless.run();
            assertThat(sent).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        });
    }

    // test_channel.py TestChannels.testBlockingSendOnMainTasklet
    @SwitchingTest
    void testBlockingSendOnMainTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            List<Integer> received = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                for (int i = 0; i < 10; i++) {
                    received.add(ch.receive());
                }
            });
            t.run();
            assertThat(ch.balance()).isEqualTo(-1);
            for (int i = 0; i < 10; i++) {
                ch.send(i);
            }
            assertThat(ch.balance()).isZero();
            assertThat(received).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        });
    }

    // test_channel.py TestChannels.testBlockedTaskletsGreenletIsNotParent (order of side tasklets)
    @SwitchingTest
    void testInterleavingWithSideTasklets() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            List<String> order = new ArrayList<>();
            Tasklet sender = Tasklet.spawn(() -> {
                Tasklet.spawn(() -> order.add("a"));
                ch.send("1");
                Tasklet.spawn(() -> order.add("b"));
                ch.send("2");
                Tasklet.spawn(() -> order.add("c"));
                ch.send("3");
                Tasklet.spawn(() -> order.add("d"));
            });
            sender.run();
            assertThat(Stackless.runCount()).isEqualTo(2);
            order.add(ch.receive());
            order.add(ch.receive());
            order.add(ch.receive());
            assertThat(order).containsExactly("1", "a", "2", "b", "3");
            Stackless.run();
            assertThat(order).containsExactly("1", "a", "2", "b", "3", "c", "d");
        });
    }

    // test_channel.py TestChannels.testPreferenceSender
    @SwitchingTest
    void testPreferenceSender() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> expected = List.of("sender0", "sender1", "sender2", "receiver0", "receiver1", "receiver2");
            for (boolean sendersFirst : new boolean[] {true, false}) {
                Channel<String> ch = new Channel<>();
                ch.setPreference(1);
                List<String> done = new ArrayList<>();
                for (int round = 0; round < 2; round++) {
                    boolean spawnSenders = (round == 0) == sendersFirst;
                    for (int i = 0; i < 3; i++) {
                        int x = i;
                        if (spawnSenders) {
                            Tasklet.spawn(() -> {
                                ch.send("test");
                                done.add("sender" + x);
                            });
                        } else {
                            Tasklet.spawn(() -> {
                                ch.receive();
                                done.add("receiver" + x);
                            });
                        }
                    }
                }
                assertThat(done).isEmpty();
                Stackless.run();
                assertThat(done).as("senders first: " + sendersFirst).containsExactlyElementsOf(expected);
            }
        });
    }

    // test_channel.py TestChannels.testPreferenceReceiver
    @SwitchingTest
    void testPreferenceReceiver() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            ch.setPreference(-1);
            List<Integer> completed = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int x = i;
                Tasklet.spawn(() -> {
                    ch.send(x);
                    completed.add(x);
                }).run();
            }
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                got.add(ch.receive());
                assertThat(completed).isEmpty();
            }
            assertThat(got).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            Stackless.run();
            assertThat(completed).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        });
    }

    // test_channel.py TestChannels.testPreferenceNeitherSimple
    @SwitchingTest
    void testPreferenceNeitherSimple() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            ch.setPreference(0);
            boolean[] complete = {false};
            Tasklet.spawn(() -> {
                ch.receive();
                complete[0] = true;
            });
            Stackless.run();
            assertThat(complete[0]).isFalse();
            ch.send(null);
            assertThat(complete[0]).as("preference 0: the sender continues").isFalse();
            Stackless.run();
            assertThat(complete[0]).isTrue();
        });
    }

    // test_channel.py TestChannels.testPreferenceNeither (47 events in exact order)
    @SwitchingTest
    void testPreferenceNeither() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            ch.setPreference(0);
            List<String> done = new ArrayList<>();
            Tasklet.spawn(() -> done.add("actually first"));
            Tasklet.spawn(() -> done.add("actually second"));
            for (int i = 0; i < 10; i++) {
                int x = i;
                Tasklet.spawn(() -> {
                    Tasklet.spawn(() -> done.add("sender inbetween"));
                    ch.send("test");
                    done.add("sender" + x);
                });
            }
            for (int i = 0; i < 10; i++) {
                Tasklet.spawn(() -> {
                    Tasklet.spawn(() -> done.add("receiver inbetween"));
                    String r = ch.receive();
                    done.add("receiver:" + r);
                });
            }
            for (String s : List.of("first", "second", "third", "fourth", "fifth")) {
                Tasklet.spawn(() -> done.add(s));
            }
            Stackless.run();
            List<String> expected = new ArrayList<>(List.of("actually first", "actually second"));
            for (int i = 0; i < 10; i++) {
                expected.add("receiver:test");
            }
            expected.addAll(List.of("first", "second", "third", "fourth", "fifth"));
            for (int i = 0; i < 10; i++) {
                expected.add("sender inbetween");
            }
            for (int i = 0; i < 10; i++) {
                expected.add("receiver inbetween");
                expected.add("sender" + i);
            }
            assertThat(expected).hasSize(47);
            assertThat(done).containsExactlyElementsOf(expected);
        });
    }

    // test_channel.py TestChannels.testSendOnClosed
    @SwitchingTest
    void testSendOnClosed() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            ch.close();
            assertThatThrownBy(() -> ch.send(null)).isInstanceOf(ChannelClosedException.class).hasMessage(Spec.CLOSED);
        });
    }

    // test_channel.py TestChannels.testReceiveOnClosed
    @SwitchingTest
    void testReceiveOnClosed() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            ch.close();
            assertThatThrownBy(ch::receive).isInstanceOf(ChannelClosedException.class).hasMessage(Spec.CLOSED);
            assertThat(ch.balance()).isZero();
        });
    }

    // test_channel.py TestChannels.testClosing
    @SwitchingTest
    void testClosing() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet.spawn(() -> ch.send(101));
            Stackless.run();
            assertThat(ch.balance()).isEqualTo(1);
            ch.close();
            assertThat(ch.isClosed()).isFalse();
            assertThat(ch.isClosing()).isTrue();
            assertThat(ch.receive()).as("an operation that completes at once still works").isEqualTo(101);
            assertThat(ch.isClosed()).isTrue();
            assertThat(ch.isClosing()).isTrue();
            assertThatThrownBy(ch::receive).isInstanceOf(ChannelClosedException.class).hasMessage(Spec.CLOSED);
            Stackless.run();
        });
    }

    // test_channel.py TestChannels.testOpen
    @SwitchingTest
    void testOpen() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            ch.close();
            assertThat(ch.isClosed()).isTrue();
            ch.open();
            assertThat(ch.isClosing()).isFalse();
            assertThat(ch.isClosed()).isFalse();
            Tasklet.spawn(() -> ch.send(101));
            Stackless.run();
            assertThat(ch.receive()).isEqualTo(101);
        });
    }

    // spec §4.2: close() does not wake blocked tasklets; a send to a closing channel with waiting receivers succeeds
    // (test_channel.py TestClose.testSequence documents the workaround)
    @SwitchingTest
    void testCloseDoesNotWakeBlockedReceivers() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Tasklet.spawn(() -> ev.add("got " + ch.receive()));
            }
            Stackless.run();
            ch.close();
            assertThat(ch.balance()).isEqualTo(-2);
            assertThat(ch.isClosing()).isTrue();
            assertThat(ch.isClosed()).isFalse();
            Stackless.run();
            assertThat(ev).as("close() woke nobody").isEmpty();
            ch.send("x");
            ch.send("y");
            assertThat(ev).containsExactly("got x", "got y");
            assertThat(ch.isClosed()).isTrue();
        });
    }

    // spec §4.2 "Block-trap check happens before the closing check"
    @SwitchingTest
    void testBlockTrapCheckedBeforeClosed() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            ch.close();
            Stackless.current().setBlockTrap(true);
            try {
                assertThatThrownBy(ch::receive).isInstanceOf(IllegalStateException.class)
                        .isNotInstanceOf(ChannelClosedException.class).hasMessage(Spec.BLOCK_TRAP);
            } finally {
                Stackless.current().setBlockTrap(false);
            }
        });
    }

    // test_channel.py TestChannels.testSendSequence (send_sequence returns the count; receiver order)
    @SwitchingTest
    void testSendSequence() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                for (int i = 0; i < 3; i++) {
                    ev.add("r:" + ch.receive());
                }
            });
            int n = ch.sendSequence(List.of("a", "b", "c"));
            ev.add("sent " + n);
            assertThat(ev).containsExactly("r:a", "r:b", "r:c", "sent 3");
        });
    }

    // stackless-testsuite channel test_channel.py testAttr_preference / testAttr_schedule_all defaults and clamping
    @SwitchingTest
    void testPreferenceAttribute() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            assertThat(ch.preference()).isEqualTo(-1);
            assertThat(ch.scheduleAll()).isFalse();
            assertThat(ch.balance()).isZero();
            assertThat(ch.queue()).isNull();
            ch.setPreference(2);
            assertThat(ch.preference()).isEqualTo(1);
            ch.setPreference(-7);
            assertThat(ch.preference()).isEqualTo(-1);
            ch.setPreference(0);
            assertThat(ch.preference()).isZero();
            ch.setScheduleAll(true);
            assertThat(ch.scheduleAll()).isTrue();
        });
    }

    // stackless-testsuite channel test_channel.py testAttr_queue / testAttr_balance: FIFO of blocked tasklets
    @SwitchingTest
    void testQueueAndBalance() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet r1 = Tasklet.spawn(() -> ev.add("r1:" + ch.receive()));
            Tasklet r2 = Tasklet.spawn(() -> ev.add("r2:" + ch.receive()));
            Stackless.run();
            assertThat(ch.balance()).isEqualTo(-2);
            assertThat(ch.queue()).isSameAs(r1);
            assertThat(r1.blockedOn()).isSameAs(ch);
            ch.send("x");
            assertThat(ch.queue()).isSameAs(r2);
            assertThat(ch.balance()).isEqualTo(-1);
            ch.send("y");
            assertThat(ch.queue()).isNull();
            assertThat(ch.balance()).isZero();
            assertThat(ev).containsExactly("r1:x", "r2:y");
            assertThat(r1.blockedOn()).isNull();
        });
    }

    // stackless-testsuite channel test_channel.py testAttr_prev_next: a blocked tasklet's neighbours are
    // its channel neighbours, the channel's head and tail reported as null
    @SwitchingTest
    void testBlockedTaskletNextPrev() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet r1 = Tasklet.spawn(ch::receive);
            Tasklet r2 = Tasklet.spawn(ch::receive);
            Stackless.run();
            assertThat(r1.next()).isSameAs(r2);
            assertThat(r2.prev()).isSameAs(r1);
            assertThat(r1.prev()).isNull();
            assertThat(r2.next()).isNull();
            r1.kill();
            r2.kill();
            assertThat(r1.next()).isNull();
        });
    }

    // spec §4.2: schedule_all puts the partner at the end and switches to source.next
    @SwitchingTest
    void testScheduleAll() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            ch.setScheduleAll(true);
            List<String> ev = new ArrayList<>();
            Tasklet r = Tasklet.spawn(() -> ev.add("got " + ch.receive()));
            r.run();
            Tasklet.spawn(() -> ev.add("x"));
            ch.send("v");
            ev.add("sent");
            assertThat(ev).containsExactly("x", "got v", "sent");
        });
    }

    // spec §4.2: default preference -1 inserts the receiver right after the sender and switches to it at once;
    // the sender runs after the round (contrast with testScheduleAll)
    @SwitchingTest
    void testPreferReceiverSwitchesImmediately() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet r = Tasklet.spawn(() -> ev.add("got " + ch.receive()));
            r.run();
            Tasklet.spawn(() -> ev.add("x"));
            ch.send("v");
            ev.add("sent");
            assertThat(ev).containsExactly("got v", "x", "sent");
        });
    }

    // spec §4.3: send_sequence is a loop of send(); exceptions from the iterator propagate
    @SwitchingTest
    void testSendSequenceIteratorFails() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            List<Integer> got = new ArrayList<>();
            Tasklet r = Tasklet.spawn(() -> {
                while (true) {
                    got.add(ch.receive());
                }
            });
            r.run();
            Iterable<Integer> failing = () -> new java.util.Iterator<>() {
                int i;

                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Integer next() {
                    if (i == 2) {
                        throw new java.util.ConcurrentModificationException("iterator broke");
                    }
                    return i++;
                }
            };
            assertThatThrownBy(() -> ch.sendSequence(failing))
                    .isInstanceOf(java.util.ConcurrentModificationException.class).hasMessage("iterator broke");
            assertThat(got).containsExactly(0, 1);
            assertThat(ch.balance()).isEqualTo(-1);
            r.kill();
        });
    }
}
