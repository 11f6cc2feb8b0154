package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.ClusterHooks;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableState;
import org.jstackless.durable.PgStore;
import org.jstackless.durable.internal.PrivatePostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Two nodes believe they own the same durable tasklet (as after a partition or a late hand-off):
 * both runtimes adopt it from the same checkpoint and run it. The store's compare-and-set on the
 * sequence lets only one advance it; the other's write is refused, it stops running the tasklet
 * (reported through {@link ClusterHooks#lost}) and the tasklet's checkpoints form one history.
 */
class FencingClusterTest {
    static final int N = 200;

    /** Records what the runtime reports. */
    static final class Seen implements ClusterHooks {
        final List<String> lost = new CopyOnWriteArrayList<>();
        final List<String> matched = new CopyOnWriteArrayList<>();

        @Override
        public void created(String id) {
        }

        @Override
        public void blocked(String channel) {
        }

        @Override
        public void matched(String id) {
            matched.add(id);
        }

        @Override
        public void lost(String id) {
            lost.add(id);
        }
    }

    @Test
    void twoOwnersOnlyOneAdvancesAndTheOtherStops() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed: apt-get install postgresql");
        try (PrivatePostgres pg = PrivatePostgres.start();
                PgStore sa = PgStore.open(pg.url(), "fence");
                PgStore sb = PgStore.open(pg.url(), "fence")) {
            Seen ha = new Seen();
            Seen hb = new Seen();
            try (DurableRuntime a = DurableRuntime.builder(sa).signingKey(Nodes.KEY).allow(Work.class).cluster(ha).open();
                    DurableRuntime b = DurableRuntime.builder(sb).signingKey(Nodes.KEY).allow(Work.class).cluster(hb).open()) {
                assertThat(a.start("counter", () -> Work.counter(N))).isTrue();
                assertThat(a.adopted()).as("created in the store only").isEmpty();
                assertThat(b.start("counter", () -> Work.counter(N))).as("it exists").isFalse();
                assertThat(a.adopt("counter")).isTrue();
                assertThat(b.adopt("counter")).isTrue();
                long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                Checkpoint row;
                while ((row = sa.row("counter")).state() != DurableState.FINISHED) {
                    assertThat(System.nanoTime()).as("finished in time: %s", row).isLessThan(end);
                    Thread.sleep(20);
                }
                assertThat(a.<String>result("counter")).isEqualTo("counted " + N);
                // One history: created (#1), N checkpoints, finished: exactly N + 2 writes were accepted.
                assertThat(row.seq()).isEqualTo(N + 2);
                List<String> lost = new java.util.ArrayList<>(ha.lost);
                lost.addAll(hb.lost);
                assertThat(lost).as("one of the two owners was refused and stopped").containsExactly("counter");
                assertThat(a.adopted()).isEmpty();
                assertThat(b.adopted()).isEmpty();
            }
        }
    }

    @Test
    void aKillFromAnotherNodeStopsTheOwner() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed: apt-get install postgresql");
        try (PrivatePostgres pg = PrivatePostgres.start();
                PgStore sa = PgStore.open(pg.url(), "fence");
                PgStore sb = PgStore.open(pg.url(), "fence")) {
            Seen ha = new Seen();
            try (DurableRuntime a = DurableRuntime.builder(sa).signingKey(Nodes.KEY).allow(Work.class).cluster(ha).open();
                    DurableRuntime b = DurableRuntime.builder(sb).signingKey(Nodes.KEY).allow(Work.class).cluster(new Seen()).open()) {
                // b does not run them: killed in the store, fenced (a node routes kills to the owner;
                // this is the path for a tasklet nobody holds in memory, or a sleeping one)
                a.start("forever", () -> Work.ticker(Integer.MAX_VALUE));
                a.start("sleeper", () -> Work.slowTicker(Integer.MAX_VALUE));
                assertThat(a.adopt("forever")).isTrue();
                assertThat(a.adopt("sleeper")).isTrue();
                while (sa.row("forever").seq() < 5 || sa.row("sleeper").seq() < 3) {
                    Thread.sleep(10);
                }
                assertThat(b.kill("forever")).isTrue();
                assertThat(b.kill("sleeper")).isTrue();
                assertThat(b.kill("forever")).as("already done").isFalse();
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!a.adopted().isEmpty()) {
                    assertThat(System.nanoTime()).as("the owner stops: %s", a.adopted()).isLessThan(end);
                    Thread.sleep(10);
                }
                for (String id : List.of("forever", "sleeper")) {
                    Checkpoint r = sa.row(id);
                    assertThat(r.state()).isEqualTo(DurableState.FAILED);
                    assertThat(r.detail()).isEqualTo("killed");
                }
            }
        }
    }
}
