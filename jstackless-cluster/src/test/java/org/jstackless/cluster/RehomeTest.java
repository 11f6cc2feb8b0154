package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jstackless.cluster.internal.Directory;
import org.jstackless.durable.internal.PrivatePostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Three node JVMs; node n3 runs ten durable tickers; n3 is SIGKILLed; the failure detector marks it
 * unreachable, the split-brain resolver (keep-majority) downs it, and the leader re-homes its
 * tickers: each advances again on a surviving node. Prints the time from the kill to the last of
 * them running again (the figure of docs/cluster.md), with the failure-detector settings.
 */
class RehomeTest {
    static final int TICKERS = 10;

    @Test
    void aKilledNodesTaskletsRunAgainElsewhere() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed: apt-get install postgresql");
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            int[] ports = {Nodes.freePort(), Nodes.freePort(), Nodes.freePort()};
            String seeds = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
            List<Child> kids = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    kids.add(new Child("n" + (i + 1), ports[i], seeds, pg.url(), i == 2 ? TICKERS : 0));
                }
                long formed = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
                while (kids.stream().anyMatch(k -> k.created.getCount() > 0) && System.nanoTime() < formed) {
                    for (int i = 0; i < 3; i++) { // downed while joining (a false suspicion under load): a new incarnation
                        if (!kids.get(i).p.isAlive()) {
                            kids.set(i, new Child("n" + (i + 1), ports[i], seeds, pg.url(), i == 2 ? TICKERS : 0));
                        }
                    }
                    Thread.sleep(100);
                }
                for (Child k : kids) {
                    // Generous: three JVMs join on a loaded 2-core machine; on failure, every node's output.
                    assertThat(k.created.await(1, TimeUnit.SECONDS)).as("nodes started: %s", kids.stream().map(x -> {
                        synchronized (x.lines) {
                            return String.join("\n", x.lines.subList(Math.max(0, x.lines.size() - 40), x.lines.size()));
                        }
                    }).toList()).isTrue();
                }
                try (Directory d = new Directory(pg.url(), "rehome")) {
                    // Wait until every ticker of n3 has ticked twice (it runs there).
                    Map<String, Long> start = seqs(d);
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (!advanced(start, seqs(d), TICKERS)) {
                        assertThat(System.nanoTime()).as("tickers run on n3").isLessThan(end);
                        Thread.sleep(20);
                    }
                    Child n3 = kids.get(2);
                    n3.p.destroyForcibly(); // SIGKILL
                    long t0 = System.nanoTime();
                    System.out.println(java.time.Instant.now() + " killed n3");
                    n3.p.waitFor();
                    Map<String, Long> atKill = seqs(d);
                    while (!advanced(atKill, seqs(d), TICKERS)) {
                        assertThat(System.nanoTime() - t0).as("re-homed within 120 s: %s", kids.stream().map(x -> {
                            synchronized (x.lines) {
                                return (x.p.isAlive() ? "alive: " : "exited: ")
                                        + String.join("\n", x.lines.subList(Math.max(0, x.lines.size() - 30), x.lines.size()));
                            }
                        }).toList()).isLessThan(TimeUnit.SECONDS.toNanos(120));
                        Thread.sleep(20);
                    }
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    System.out.println("RehomeTest: " + TICKERS + " tasklets of the SIGKILLed node ran again elsewhere " + ms
                            + " ms after the kill (heartbeat 500 ms, acceptable pause 2 s, SBR keep-majority stable-after 2 s, "
                            + "sweep 1 s)");
                    if (ms > 10_000) { // over the target: show why
                        for (Child k : kids) {
                            synchronized (k.lines) {
                                System.out.println("--- " + String.join("\n", k.lines.subList(Math.max(0, k.lines.size() - 120), k.lines.size())));
                            }
                        }
                    }
                }
            } finally {
                for (Child k : kids) {
                    k.p.destroyForcibly();
                    k.p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Map<String, Long> seqs(Directory d) {
        Map<String, Long> m = new HashMap<>();
        for (Directory.Row r : d.all()) {
            m.put(r.id(), r.seq());
        }
        return m;
    }

    /** True when {@code n} ids each advanced by at least 2 since {@code from}. */
    private static boolean advanced(Map<String, Long> from, Map<String, Long> now, int n) {
        if (from.size() < n) {
            return false;
        }
        return now.entrySet().stream().filter(e -> from.containsKey(e.getKey()) && e.getValue() >= from.get(e.getKey()) + 2)
                .count() >= n;
    }

    /** A node JVM. */
    static final class Child {
        final Process p;
        final List<String> lines = new ArrayList<>();
        final CountDownLatch created = new CountDownLatch(1);

        Child(String name, int port, String seeds, String url, int tickers) throws Exception {
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xss8m", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "--sun-misc-unsafe-memory-access=allow",
                    "-Dpekko.loglevel=" + "INFO", "-cp", System.getProperty("java.class.path"),
                    NodeMain.class.getName(), name, "" + port, seeds, url, "rehome", "3", "" + tickers);
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread.ofPlatform().daemon(true).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null;) {
                        synchronized (lines) {
                            lines.add(l);
                        }
                        if (l.startsWith("CREATED")) {
                            created.countDown();
                        }
                    }
                } catch (java.io.IOException e) {
                    // killed
                }
            });
        }
    }
}
