package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jstackless.Suspendable;
import org.jstackless.cluster.internal.Rows;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.ClusterHooks;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableState;
import org.jstackless.durable.PgStore;
import org.jstackless.durable.internal.PrivatePostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The wake-up after a cross-node rendezvous carries the committed row: its owner runs the tasklet
 * from it without reading the store, but only a row whose seal holds; a row changed on the way
 * is not used (the committed one is read from the store). And the row's wire form refuses
 * malformed bytes with a clear error.
 */
class WokenRowTest {
    /** Receives one value on "w". */
    public static String receiver() throws Suspendable {
        return "got " + Durable.<Integer>channel("w").receive();
    }

    /** Sends 41 on "w". */
    public static String sender() throws Suspendable {
        Durable.<Integer>channel("w").send(41);
        return "sent";
    }

    /** Records the rows of the rendezvous the runtime committed for tasklets it does not hold. */
    static final class Rows1 implements ClusterHooks {
        final List<Checkpoint> rows = new CopyOnWriteArrayList<>();

        @Override
        public void created(String id) {
        }

        @Override
        public void blocked(String channel) {
        }

        @Override
        public void matched(String id) {
        }

        @Override
        public void matched(String id, Checkpoint row) {
            rows.add(row);
        }

        @Override
        public void lost(String id) {
        }
    }

    static void await(PgStore s, String id, DurableState st) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (s.row(id) == null || s.row(id).state() != st) {
            assertThat(System.nanoTime()).as("%s reaches %s: %s", id, st, s.row(id)).isLessThan(end);
            Thread.sleep(10);
        }
    }

    @Test
    void aRowChangedOnTheWayIsNotRunTheCommittedOneIs() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed: apt-get install postgresql");
        try (PrivatePostgres pg = PrivatePostgres.start();
                PgStore sa = PgStore.open(pg.url(), "woken");
                PgStore sb = PgStore.open(pg.url(), "woken")) {
            Rows1 hb = new Rows1();
            try (DurableRuntime a = DurableRuntime.builder(sa).signingKey(Nodes.KEY).allow(WokenRowTest.class).cluster(new Rows1())
                    .open();
                    DurableRuntime b = DurableRuntime.builder(sb).signingKey(Nodes.KEY).allow(WokenRowTest.class).cluster(hb).open()) {
                a.start("r", WokenRowTest::receiver);
                assertThat(a.adopt("r")).isTrue();
                await(sa, "r", DurableState.RECEIVING);
                b.start("s", WokenRowTest::sender);
                assertThat(b.adopt("s")).isTrue();
                await(sa, "s", DurableState.SENDING);
                assertThat(b.match("w", "s", "r").get(60, TimeUnit.SECONDS)).isTrue(); // b commits both; a holds r
                assertThat(hb.rows).hasSize(1);
                Checkpoint sent = hb.rows.get(0);
                assertThat(sent.id()).isEqualTo("r");
                assertThat(sent.state()).isEqualTo(DurableState.RUNNABLE);
                byte[] p = sent.pickle().clone();
                p[p.length / 2] ^= 1;
                a.woken(new Checkpoint(sent.id(), sent.seq(), sent.state(), sent.wakeAt(), sent.channel(), sent.detail(), p,
                        sent.txn()));
                await(sa, "r", DurableState.FINISHED);
                assertThat(a.<String>result("r")).isEqualTo("got 41");
                await(sa, "s", DurableState.FINISHED);
                assertThat(a.adopted()).isEmpty();
            }
        }
    }

    @Test
    void theWireFormRoundTripsAndRefusesMalformedBytes() {
        Checkpoint c = new Checkpoint("t-1", 7, DurableState.RUNNABLE, 0, "", "", new byte[100], 3);
        byte[] bytes = Rows.encode(c);
        assertThat(Rows.decode(bytes)).usingRecursiveComparison().isEqualTo(c);
        assertThatThrownBy(() -> Rows.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pickle length");
        assertThatThrownBy(() -> Rows.decode(java.util.Arrays.copyOf(bytes, 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        byte[] badState = bytes.clone();
        badState[2 + 3 + 8] = 99; // after the id ("t-1", a 2-byte length first) and the sequence number
        assertThatThrownBy(() -> Rows.decode(badState))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown state 99");
    }
}
