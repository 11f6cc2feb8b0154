package org.jstackless.internal.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.NotPicklableException;
import org.junit.jupiter.api.Test;

/**
 * The channel entry as bytes (the codec in the registry, read without a pickler): a buffered
 * channel's capacity and values come back; a malformed entry is refused before anything is made.
 */
class ChannelEntryTest {
    static {
        // The pickle layer is set up by the runtime (its codecs, its errors) when Pickler initialises.
        org.jstackless.Pickler.builder();
    }

    /** An object table: no classes, the entries {@code entries} writes, {@code n} of them. */
    static ObjectReader read(int n, Consumer<Out> entries) {
        Out o = new Out();
        o.uvar(0);
        o.uvar(n);
        entries.accept(o);
        byte[] b = o.toByteArray();
        ObjectReader r = new ObjectReader(Map.of(), 100);
        r.parse(new In(b, 0, b.length));
        return r;
    }

    /** Entry 1: a channel with these flags, capacity and value ids; then strings "a", "b", "c" (ids 2..4). */
    static Consumer<Out> channel(int pref, int flags, int cap, int... ids) {
        return o -> {
            o.u8(Kinds.CHANNEL);
            o.svar(pref);
            o.u8(flags);
            if ((flags & Payload.CHANNEL_BUFFERED) != 0) {
                o.uvar(cap);
                o.uvar(ids.length);
                for (int id : ids) {
                    o.uvar(id);
                }
            }
            for (String s : new String[] {"a", "b", "c"}) {
                o.u8(Kinds.STRING);
                o.str(s);
            }
        };
    }

    @Test
    void aBufferedChannelComesBackWithItsCapacityAndValues() {
        ObjectReader r = read(4, channel(1, 2 | Payload.CHANNEL_BUFFERED, 3, 3, 2));
        assertThat(r.describe(1)).isEqualTo("Channel #1 preference 1 capacity 3 buffered 2");
        r.materialize(null);
        Channel<?> ch = (Channel<?>) r.get(1);
        assertThat(ch.capacity()).isEqualTo(3);
        assertThat(ch.buffered()).isEqualTo(2);
        assertThat(ch.balance()).isEqualTo(2);
        assertThat(ch.preference()).isEqualTo(1);
        assertThat(ch.isClosing()).isTrue();
        assertThat(ch.toString()).contains("capacity=3", "buffered=2");
    }

    @Test
    void anUnbufferedChannelKeepsItsThreeByteEntry() {
        ObjectReader r = read(4, channel(-1, 1, 0));
        r.materialize(null);
        Channel<?> ch = (Channel<?>) r.get(1);
        assertThat(ch.capacity()).isZero();
        assertThat(ch.scheduleAll()).isTrue();
        assertThat(ch.preference()).isEqualTo(-1);
    }

    @Test
    void malformedChannelEntriesAreRefused() {
        assertThatThrownBy(() -> read(4, channel(0, Payload.CHANNEL_BUFFERED, 2, 2, 3, 4)))
                .isInstanceOf(NotPicklableException.class).hasMessageContaining("3 buffered values and capacity 2");
        assertThatThrownBy(() -> read(4, channel(0, Payload.CHANNEL_BUFFERED, 0)))
                .isInstanceOf(NotPicklableException.class).hasMessageContaining("capacity 0");
        assertThatThrownBy(() -> read(4, channel(0, 8, 0))).isInstanceOf(NotPicklableException.class)
                .hasMessageContaining("channel flags 8");
        assertThatThrownBy(() -> read(4, channel(2, 0, 0))).isInstanceOf(NotPicklableException.class)
                .hasMessageContaining("channel preference 2");
        assertThatThrownBy(() -> read(4, channel(0, Payload.CHANNEL_BUFFERED, 1, 9)))
                .as("a value id outside the table").isInstanceOf(NotPicklableException.class);
        assertThatThrownBy(() -> read(4, channel(0, Payload.CHANNEL_BUFFERED, 1000, 2)))
                .as("a capacity over the reader's object limit").isInstanceOf(NotPicklableException.class);
    }
}
