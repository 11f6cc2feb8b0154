package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jstackless.pickle.PickleTestSupport.OUT;

import org.jstackless.Channel;
import org.jstackless.Pickler;
import org.jstackless.Select;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A buffered channel pickles with its capacity and its buffered values (a tasklet blocked in a
 * {@link Select}: {@link PickleSelectTest}).
 */
class PickleBufferedChannelTest {
    record Item(String name, int n) {
    }

    final Pickler pickler = PickleTestSupport.builder(PickleBufferedChannelTest.class, Item.class).build();

    @BeforeEach
    void clear() {
        OUT.clear();
    }

    @Test
    void bufferedValuesComeBackInOrder() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>(4);
            Tasklet t = Tasklet.spawn(() -> {
                ch.send("one");
                ch.send(new Item("two", 2));
                Stackless.schedule(); // suspended here, with two values buffered
                ch.send(3);
                while (ch.balance() > 0) {
                    OUT.add(String.valueOf(ch.receive()));
                }
                OUT.add("capacity " + ch.capacity() + (ch.isClosing() ? " closing" : ""));
            });
            Stackless.schedule();
            assertThat(ch.buffered()).isEqualTo(2);
            ch.close(); // the flag travels too
            Tasklet u = pickler.loads(pickler.dumps(t));
            assertThat(ch.buffered()).as("the original is untouched").isEqualTo(2);
            t.kill();
            u.insert();
            Stackless.run();
            assertThat(OUT).containsExactly("one", "Item[name=two, n=2]", "3", "capacity 4 closing");
        });
    }

    @Test
    void aSenderBlockedOnAFullBufferComesBackBlocked() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>(1);
            Tasklet t = Tasklet.spawn(() -> {
                ch.send("a");
                ch.send("b"); // blocks: the buffer is full
                OUT.add("sent both, buffered " + ch.buffered()); // ch is live here, so it is pickled
            });
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            Tasklet u = pickler.loads(pickler.dumps(t));
            @SuppressWarnings("unchecked")
            Channel<String> copy = (Channel<String>) u.blockedOn();
            assertThat(copy.capacity()).isOne();
            assertThat(copy.buffered()).isOne();
            assertThat(copy.balance()).isEqualTo(2);
            assertThat(copy.receive()).isEqualTo("a");
            assertThat(copy.receive()).isEqualTo("b");
            Stackless.run();
            assertThat(OUT).containsExactly("sent both, buffered 0");
            t.kill();
        });
    }
}
