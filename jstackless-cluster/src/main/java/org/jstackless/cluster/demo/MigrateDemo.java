package org.jstackless.cluster.demo;

import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jstackless.Suspendable;
import org.jstackless.cluster.ClusterNode;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableState;
import org.jstackless.durable.internal.PrivatePostgres;

/**
 * The seed demo on a cluster: {@code recurs(14)} enters fourteen levels on node n1, waits at the
 * bottom on a durable channel, is migrated to node n2 with its fourteen frames, and leaves its
 * levels there. Two nodes in this JVM, over a private PostgreSQL server:
 * {@code ./jstackless example migrate}.
 */
public final class MigrateDemo {
    static final byte[] KEY = "migrate demo key, not a secret!!".getBytes(StandardCharsets.UTF_8);
    /** The lines printed by durable tasklets, in order (the demo's output). */
    static final List<String> OUT = new CopyOnWriteArrayList<>();

    private MigrateDemo() {
    }

    static void say(String line) {
        OUT.add(line);
        System.out.println(line);
    }

    /** Enters {@code level}..{@code depth}, waits at the bottom for "go", leaves them again; says on which node. */
    public static int recurs(int depth, int level) throws Suspendable {
        say(ClusterNode.current().name() + ": enter level " + level);
        Durable.checkpoint();
        if (level < depth) {
            recurs(depth, level + 1);
        } else {
            String go = Durable.<String>channel("recurs-go").receive(); // the bottom: where it is migrated
            say(ClusterNode.current().name() + ": received " + go);
        }
        say(ClusterNode.current().name() + ": leave level " + level);
        Durable.checkpoint();
        return level;
    }

    /** Sends "go" to the waiting recurs. */
    public static String go() throws Suspendable {
        Durable.<String>channel("recurs-go").send("go");
        return "sent";
    }

    /** Runs the demo; the lines it printed. */
    public static List<String> run(PrintStream out) throws Exception {
        OUT.clear();
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            int p1 = freePort();
            int p2 = freePort();
            try (ClusterNode n1 = node("n1", p1, p1, pg.url()); ClusterNode n2 = node("n2", p2, p1, pg.url())) {
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (n1.members().size() < 2 || n2.members().size() < 2) {
                    if (System.nanoTime() > end) {
                        throw new IllegalStateException("the two nodes did not form a cluster: " + n1.members());
                    }
                    Thread.sleep(20);
                }
                n1.start("recurs", () -> recurs(14, 1));
                while (n1.list().stream().noneMatch(r -> r.id().equals("recurs") && r.state() == DurableState.RECEIVING)) {
                    if (System.nanoTime() > end) {
                        throw new IllegalStateException("recurs did not reach its bottom: " + n1.list());
                    }
                    Thread.sleep(20);
                }
                say("migrating recurs from " + n1.where("recurs", Duration.ofSeconds(10)) + " to n2");
                n1.migrate("recurs", "n2", Duration.ofSeconds(60));
                say("recurs now runs on " + n1.where("recurs", Duration.ofSeconds(10)));
                n2.start("go", MigrateDemo::go);
                n1.awaitDone("recurs", Duration.ofSeconds(60));
                say("recurs returned " + n1.<Integer>result("recurs"));
            }
        }
        return Collections.unmodifiableList(OUT);
    }

    private static ClusterNode node(String name, int port, int seed, String url) throws Exception {
        return ClusterNode.builder(name).port(port).seeds("127.0.0.1:" + seed).store(url, "migrate_demo").signingKey(KEY)
                .allow(MigrateDemo.class).start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
        System.exit(0);
    }
}
