package org.jstackless.cluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jstackless.durable.DurableBody;

/**
 * A cluster node in its own JVM, for tests that SIGKILL nodes: {@code NAME PORT SEEDS(host:port,...) JDBC TABLE
 * MEMBERS TICKERS}: joins, waits for MEMBERS Up members, prints {@code UP} and {@code SETTINGS} (what bounds
 * re-homing, from the running configuration), creates TICKERS slow tickers
 * (placed here), prints {@code CREATED}, then runs until killed.
 */
public final class NodeMain {
    private NodeMain() {
    }

    public static void main(String[] a) throws Exception {
        ClusterNode n = ClusterNode.builder(a[0]).port(Integer.parseInt(a[1])).seeds(a[2].split(",")).store(a[3], a[4])
                .signingKey(Nodes.KEY).allow(Work.class).failureDetection(Duration.ofSeconds(2), Duration.ofSeconds(2)).exitJvmWhenDowned().start();
        int members = Integer.parseInt(a[5]);
        long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (n.members().size() < members && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        if (n.members().size() < members) {
            System.out.println("NOT UP after 180 s: " + org.apache.pekko.cluster.typed.Cluster.get(n.system()).state());
        }
        System.out.println("UP " + n.members());
        System.out.println("SETTINGS " + n.rehomeSettings());
        int tickers = Integer.parseInt(a[6]);
        Map<String, DurableBody<?>> bodies = new LinkedHashMap<>();
        for (int i = 0; i < tickers; i++) {
            bodies.put(a[0] + "-tick-" + i, () -> Work.slowTicker(100_000));
        }
        n.startAll(bodies);
        System.out.println("CREATED " + tickers);
        var cl = org.apache.pekko.cluster.typed.Cluster.get(n.system());
        while (true) { // a trace of what this node sees, for a test that explains a slow re-homing
            Thread.sleep(250);
            System.out.println(java.time.Instant.now() + " " + a[0] + " members " + n.members() + " unreachable "
                    + cl.state().getUnreachable().size() + " leader " + cl.state().getLeader() + " here " + n.here());
        }
    }
}
