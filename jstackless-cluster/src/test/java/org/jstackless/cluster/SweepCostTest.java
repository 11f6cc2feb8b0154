package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableBody;
import org.jstackless.durable.DurableState;
import org.junit.jupiter.api.Test;

/**
 * The leader's sweep costs messages in proportion to change: with idle durable tasklets (sleeping
 * and blocked) it sends none, where the former sweep ({@code jstackless.cluster.sweep=full}) sent
 * one per tasklet per interval; and a sleeper whose timer nobody holds is still woken.
 */
class SweepCostTest {
    /** Idle tasklets; more with -Djstackless.sweep.idle=N (the figure of docs/cluster.md: 10000). */
    static final int IDLE = Integer.getInteger("jstackless.sweep.idle", 200);
    /** The measuring window of each sweep, milliseconds (-Djstackless.sweep.window=MS). */
    static final long WINDOW = Long.getLong("jstackless.sweep.window", 3_500);

    public static String idle(int i) throws Suspendable {
        if (i % 2 == 0) {
            Durable.sleep(Duration.ofDays(1));
        } else {
            Durable.<String>channel("idle-" + i).receive();
        }
        return "woke";
    }

    @Test
    void idleTaskletsCostNoSweepMessages() throws Exception {
        try (Nodes c = new Nodes(1, "sweep", SweepCostTest.class)) {
            ClusterNode n = c.nodes.get(0);
            Map<String, DurableBody<?>> bodies = new LinkedHashMap<>();
            for (int i = 0; i < IDLE; i++) {
                int ii = i;
                bodies.put("idle-" + i, () -> idle(ii));
            }
            assertThat(n.startAll(bodies)).isEqualTo(IDLE);
            long end = System.nanoTime() + Duration.ofSeconds(90 + IDLE / 50).toNanos();
            while (n.list().stream().filter(r -> r.state() == DurableState.SLEEPING || r.state() == DurableState.RECEIVING)
                    .count() < IDLE) {
                assertThat(System.nanoTime()).as("all idle").isLessThan(end);
                Thread.sleep(50);
            }
            long m0 = n.sweepMessages();
            Thread.sleep(WINDOW); // three sweeps or more
            long changeDriven = n.sweepMessages() - m0;
            System.setProperty("jstackless.cluster.sweep", "full");
            long f0;
            long full;
            try {
                Thread.sleep(1_100); // the switch takes effect at the next sweep
                f0 = n.sweepMessages();
                Thread.sleep(WINDOW);
                full = n.sweepMessages() - f0;
            } finally {
                System.clearProperty("jstackless.cluster.sweep");
            }
            System.out.printf("SweepCostTest: %d idle tasklets, sweep messages in %d ms: change-driven %d (%.1f/s), full %d (%.1f/s)%n",
                    IDLE, WINDOW, changeDriven, changeDriven * 1000.0 / WINDOW, full, full * 1000.0 / WINDOW);
            assertThat(changeDriven).as("idle tasklets cost nothing").isZero();
            assertThat(full).as("the former sweep: one message per tasklet per interval").isGreaterThanOrEqualTo(IDLE);
        }
    }
}
