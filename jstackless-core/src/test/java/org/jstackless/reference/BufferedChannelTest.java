package org.jstackless.reference;

import org.jstackless.testing.SwitchingTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.ChannelClosedException;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;

/**
 * Buffered channels ({@code new Channel<>(capacity)}), in every switching mechanism. Where they
 * apply, ports of Go's {@code test/chan/fifo.go} and {@code test/chan/nonblock.go} and of
 * kotlinx.coroutines {@code kotlinx-coroutines-core/common/test/channels/BufferedChannelTest.kt}
 * (the test names say which).
 */
class BufferedChannelTest {

    @SwitchingTest
    void anUnbufferedChannelIsCapacityZero() throws Throwable {
        Stackless.runAsMain(() -> {
            assertThat(new Channel<>().capacity()).isZero();
            assertThat(new Channel<>(0).capacity()).isZero();
            assertThatThrownBy(() -> new Channel<>(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("capacity");
            Channel<Integer> ch = new Channel<>(0);
            Tasklet t = Tasklet.spawn(() -> ch.send(1));
            t.run();
            assertThat(t.isBlocked()).as("capacity 0 is the rendezvous channel").isTrue();
            assertThat(ch.receive()).isEqualTo(1);
        });
    }

    // Go test/chan/nonblock.go: sends do not block until the buffer is full; BufferedChannelTest.testSimple.
    @SwitchingTest
    void sendsDoNotBlockOrSwitchUntilFull() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>(3);
            Tasklet me = Stackless.current();
            me.setBlockTrap(true);
            Stackless.switchTrap(1); // not even a switch
            try {
                ch.send(1);
                ch.send(2);
                ch.send(3);
                assertThat(ch.balance()).isEqualTo(3);
                assertThat(ch.buffered()).isEqualTo(3);
                assertThatThrownBy(() -> ch.send(4)).isInstanceOf(IllegalStateException.class)
                        .hasMessage(Spec.SWITCH_TRAP);
                assertThat(ch.receive()).isEqualTo(1);
                assertThat(ch.balance()).isEqualTo(2);
            } finally {
                Stackless.switchTrap(-1);
                me.setBlockTrap(false);
            }
            me.setBlockTrap(true);
            try {
                ch.send(4);
                assertThatThrownBy(() -> ch.send(5)).isInstanceOf(IllegalStateException.class)
                        .hasMessage(Spec.BLOCK_TRAP);
            } finally {
                me.setBlockTrap(false);
            }
            assertThat(ch.balance()).isEqualTo(3);
            assertThat(ch.receive()).isEqualTo(2);
            assertThat(ch.receive()).isEqualTo(3);
            assertThat(ch.receive()).isEqualTo(4);
            assertThat(ch.balance()).isZero();
        });
    }

    // Go test/chan/fifo.go AsynchFifo: values come out in the order they went in.
    @SwitchingTest
    void fifo() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>(10);
            for (int i = 0; i < 10; i++) {
                ch.send(i);
            }
            for (int i = 0; i < 10; i++) {
                assertThat(ch.receive()).isEqualTo(i);
            }
            // and around the ring, with senders blocked behind a full buffer
            List<Integer> got = new ArrayList<>();
            Tasklet.spawn(() -> {
                for (int i = 0; i < 25; i++) {
                    ch.send(i);
                }
            });
            Tasklet.spawn(() -> {
                for (int i = 0; i < 25; i++) {
                    got.add(ch.receive());
                }
            });
            Stackless.run();
            assertThat(got).hasSize(25).isSorted();
            assertThat(got.get(24)).isEqualTo(24);
        });
    }

    @SwitchingTest
    void aReceiveMovesTheFirstBlockedSenderIntoTheBufferWithoutSwitching() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>(1);
            List<String> log = new ArrayList<>();
            ch.send("a");
            Tasklet sender = Tasklet.spawn(() -> {
                ch.send("b");
                log.add("b sent");
            });
            sender.run();
            assertThat(sender.isBlocked()).isTrue();
            assertThat(sender.tempval()).isEqualTo("b");
            assertThat(ch.balance()).as("one buffered, one blocked sender").isEqualTo(2);
            assertThat(ch.queue()).isSameAs(sender);
            assertThat(ch.receive()).isEqualTo("a");
            assertThat(log).as("the sender was made runnable, not run").isEmpty();
            assertThat(sender.isBlocked()).isFalse();
            assertThat(sender.isScheduled()).isTrue();
            assertThat(ch.buffered()).isOne();
            assertThat(ch.balance()).isOne();
            Stackless.run();
            assertThat(log).containsExactly("b sent");
            assertThat(ch.receive()).isEqualTo("b");
        });
    }

    @SwitchingTest
    void aWaitingReceiverGetsTheValueDirectlyWithThePreference() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>(2);
            assertThat(ch.preference()).as("buffered channels hand off without switching").isZero();
            assertThat(new Channel<>().preference()).isEqualTo(-1);
            List<String> log = new ArrayList<>();
            Tasklet receiver = Tasklet.spawn(() -> log.add("got " + ch.receive()));
            receiver.run();
            assertThat(ch.balance()).isEqualTo(-1);
            ch.send("x"); // preference 0: the receiver is made runnable, the sender runs on
            log.add("after send");
            assertThat(ch.buffered()).as("handed over, not buffered").isZero();
            Stackless.run();
            assertThat(log).containsExactly("after send", "got x");

            log.clear();
            ch.setPreference(-1);
            Tasklet.spawn(() -> log.add("got " + ch.receive())).run();
            ch.send("y"); // preference -1: the receiver runs at once
            log.add("after send");
            assertThat(log).containsExactly("got y", "after send");
        });
    }

    @SwitchingTest
    void closingLetsTheBufferDrainAndIterationEnds() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>(4);
            ch.send(1);
            ch.send(2);
            ch.close();
            assertThat(ch.isClosing()).isTrue();
            assertThat(ch.isClosed()).as("values still buffered").isFalse();
            ch.send(3); // completes at once: allowed on a closing channel, like a send to a waiting receiver
            List<Integer> got = new ArrayList<>();
            for (int v : ch) {
                got.add(v);
            }
            assertThat(got).containsExactly(1, 2, 3);
            assertThat(ch.isClosed()).isTrue();
            assertThatThrownBy(ch::receive).isInstanceOf(ChannelClosedException.class).hasMessage(Spec.CLOSED);
        });
    }

    @SwitchingTest
    void aSentExceptionIsRaisedInItsTurn() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>(3);
            ch.send(1);
            ch.sendException(new IllegalStateException("second"));
            ch.send(3);
            assertThat(ch.receive()).isEqualTo(1);
            assertThatThrownBy(ch::receive).isInstanceOf(IllegalStateException.class).hasMessage("second");
            assertThat(ch.receive()).isEqualTo(3);
        });
    }

    @SwitchingTest
    void killingABlockedSenderKeepsTheBalance() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>(1);
            ch.send(1);
            Tasklet sender = Tasklet.spawn(() -> ch.send(2));
            sender.run();
            assertThat(ch.balance()).isEqualTo(2);
            sender.kill();
            assertThat(ch.balance()).isOne();
            assertThat(ch.receive()).isEqualTo(1);
            assertThat(ch.balance()).isZero();
        });
    }

    @SwitchingTest
    void callbacksSayWhetherTheOperationWillBlock() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>(1);
            List<String> log = new ArrayList<>();
            var old = Stackless.setChannelCallback((c, t, sending, willBlock) ->
                    log.add((sending ? "send" : "receive") + (willBlock ? " blocks" : " completes")));
            try {
                ch.send(1);
                Tasklet.spawn(() -> ch.send(2)).run();
                assertThat(ch.receive()).isEqualTo(1);
                assertThat(ch.receive()).isEqualTo(2);
                Stackless.run();
                Tasklet.spawn(() -> ch.receive()).run();
                ch.send(3);
            } finally {
                Stackless.setChannelCallback(old);
            }
            assertThat(log).containsExactly("send completes", "send blocks", "receive completes", "receive completes",
                    "receive blocks", "send completes");
        });
    }
}
