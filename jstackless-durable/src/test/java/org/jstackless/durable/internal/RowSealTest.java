package org.jstackless.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jstackless.NotPicklableException;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.DurableState;
import org.junit.jupiter.api.Test;

/** A sealed row comes back as it was sealed; any change to it, its pickle included, is refused. */
class RowSealTest {
    static final byte[] KEY = "row seal test key, 32 bytes long".getBytes(StandardCharsets.UTF_8);

    /** A stand-in for a Pickler pickle: bytes followed by the HMAC-SHA256 of them under the key (the envelope's rule). */
    static byte[] pickle(byte[] key, String body) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] p = Arrays.copyOf(b, b.length + 32);
        m.update(b);
        m.doFinal(p, b.length);
        return p;
    }

    static Checkpoint with(Checkpoint c, byte[] pickle) {
        return new Checkpoint(c.id(), c.seq(), c.state(), c.wakeAt(), c.channel(), c.detail(), pickle, c.txn());
    }

    @Test
    void aSealedRowOpensToItsPickle() throws Exception {
        RowSeal s = new RowSeal(KEY);
        byte[] p = pickle(KEY, "the frames of tasklet a");
        Checkpoint c = s.row("a", 3, DurableState.SENDING, 0, "orders", "", p);
        assertThat(s.open(c)).isEqualTo(p);
        assertThat(s.open(c.withTxn(42))).as("the store's txn is not sealed").isEqualTo(p);
        Checkpoint purge = s.row("a", 4, DurableState.PURGED, 0, "", "", new byte[0]);
        assertThat(s.open(purge)).isEmpty();
        assertThat(new RowSeal(KEY.clone()).open(c)).as("another runtime with the same key").isEqualTo(p);
    }

    @Test
    void everyChangeToARowIsRefused() throws Exception {
        RowSeal s = new RowSeal(KEY);
        byte[] p = pickle(KEY, "the frames of tasklet a, long enough to have a middle");
        Checkpoint c = s.row("a", 3, DurableState.SLEEPING, 1_000, "", "", p);
        Checkpoint other = s.row("b", 3, DurableState.SLEEPING, 1_000, "", "", pickle(KEY, "the frames of tasklet b"));
        List<UnaryOperator<Checkpoint>> changes = List.of(
                x -> new Checkpoint("b", x.seq(), x.state(), x.wakeAt(), x.channel(), x.detail(), x.pickle(), 0),
                x -> new Checkpoint(x.id(), 4, x.state(), x.wakeAt(), x.channel(), x.detail(), x.pickle(), 0),
                x -> new Checkpoint(x.id(), x.seq(), DurableState.RUNNABLE, x.wakeAt(), x.channel(), x.detail(), x.pickle(), 0),
                x -> new Checkpoint(x.id(), x.seq(), x.state(), 2_000, x.channel(), x.detail(), x.pickle(), 0),
                x -> new Checkpoint(x.id(), x.seq(), x.state(), x.wakeAt(), "ch", x.detail(), x.pickle(), 0),
                x -> new Checkpoint(x.id(), x.seq(), x.state(), x.wakeAt(), x.channel(), "why", x.pickle(), 0),
                x -> with(x, flip(x.pickle(), 10)), // inside the pickle: its own MAC no longer matches
                x -> with(x, flip(x.pickle(), x.pickle().length - 40)), // the pickle's MAC
                x -> with(x, flip(x.pickle(), x.pickle().length - 1)), // the seal
                x -> with(x, other.pickle()), // another tasklet's genuine sealed pickle
                x -> with(x, Arrays.copyOf(x.pickle(), x.pickle().length - 1)),
                x -> with(x, Arrays.copyOf(x.pickle(), 40)),
                x -> with(x, new byte[0]));
        for (UnaryOperator<Checkpoint> change : changes) {
            Checkpoint bad = change.apply(c);
            assertThatThrownBy(() -> s.open(bad)).as("%s", bad).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("changed outside this runtime").hasMessageContaining("refused");
        }
        assertThatThrownBy(() -> new RowSeal("another key for the same row!!!!".getBytes(StandardCharsets.UTF_8)).open(c))
                .isInstanceOf(NotPicklableException.class);
        assertThat(s.open(c)).isEqualTo(p);
    }

    @Test
    void aPickleSignedWithAnotherKeyIsRefusedEvenWhenSealedHere() throws Exception {
        RowSeal s = new RowSeal(KEY);
        Checkpoint c = s.row("a", 1, DurableState.RUNNABLE, 0, "", "",
                pickle("some other key, also 32 bytes!!!".getBytes(StandardCharsets.UTF_8), "frames"));
        assertThatThrownBy(() -> s.open(c)).isInstanceOf(NotPicklableException.class);
        assertThatThrownBy(() -> s.row("a", 1, DurableState.RUNNABLE, 0, "", "", new byte[5]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 1;
        return c;
    }
}
