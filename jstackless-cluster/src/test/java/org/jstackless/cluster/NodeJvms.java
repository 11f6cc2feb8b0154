package org.jstackless.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jstackless.cluster.internal.Directory;

/**
 * Test and benchmark helper: three cluster nodes, each in its own JVM ({@link NodeMain}), over one
 * PostgreSQL table; the last node runs {@code tickers} durable tickers, so killing it (SIGKILL) leaves
 * them to be re-homed. Used by {@code RehomeTest} (correctness) and {@code RehomeBench} (the timing).
 */
public final class NodeJvms implements AutoCloseable {
    /** The nodes, n1..n3; an entry is replaced when a node is restarted. */
    private final List<Child> kids = new ArrayList<>();
    private final int[] ports = new int[3];
    private final String seeds;
    private final String url;
    private final String table;
    private final int tickers;

    /** Starts n1..n3 on free loopback ports; n3 creates {@code tickers} tickers once the cluster is up. */
    public NodeJvms(String url, String table, int tickers) throws Exception {
        this.url = url;
        this.table = table;
        this.tickers = tickers;
        for (int i = 0; i < 3; i++) {
            ports[i] = Nodes.freePort();
        }
        seeds = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        for (int i = 0; i < 3; i++) {
            kids.add(child(i));
        }
    }

    private Child child(int i) throws Exception {
        return new Child("n" + (i + 1), ports[i], seeds, url, table, i == 2 ? tickers : 0);
    }

    /**
     * Waits (up to {@code seconds}) until every node printed CREATED; a node downed while joining (a
     * false suspicion under load) is started again as a new incarnation. False on time-out.
     */
    public boolean awaitCreated(int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (kids.stream().anyMatch(k -> k.created.getCount() > 0)) {
            if (System.nanoTime() > end) {
                return false;
            }
            for (int i = 0; i < 3; i++) {
                if (!kids.get(i).p.isAlive()) {
                    kids.set(i, child(i));
                }
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Node {@code i} (0-based). */
    public Child node(int i) {
        return kids.get(i);
    }

    /** SIGKILLs n3 and waits for its process to end. */
    public void killLast() throws InterruptedException {
        Process p = kids.get(2).p;
        p.destroyForcibly();
        p.waitFor();
    }

    /** The last {@code lines} lines of every node's output, for a failure message. */
    public String tails(int lines) {
        StringBuilder b = new StringBuilder();
        for (Child k : kids) {
            b.append(k.p.isAlive() ? "--- alive " : "--- exited ").append(k.name).append('\n').append(k.tail(lines)).append('\n');
        }
        return b.toString();
    }

    /** Every row's checkpoint sequence, by tasklet id. */
    public static Map<String, Long> seqs(Directory d) {
        Map<String, Long> m = new HashMap<>();
        for (Directory.Row r : d.all()) {
            m.put(r.id(), r.seq());
        }
        return m;
    }

    /** True when at least {@code n} ids each advanced by at least {@code by} since {@code from}. */
    public static boolean advanced(Map<String, Long> from, Map<String, Long> now, int n, int by) {
        if (from.size() < n) {
            return false;
        }
        return now.entrySet().stream().filter(e -> from.containsKey(e.getKey()) && e.getValue() >= from.get(e.getKey()) + by)
                .count() >= n;
    }

    @Override
    public void close() throws InterruptedException {
        for (Child k : kids) {
            k.p.destroyForcibly();
            k.p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A node JVM and what it printed. */
    public static final class Child {
        final String name;
        final Process p;
        private final List<String> lines = new ArrayList<>();
        final CountDownLatch created = new CountDownLatch(1);
        /** The settings line NodeMain printed (what bounds re-homing), or null before it. */
        volatile String settings;
        /** The tasklets this node ran at its last trace line (NodeMain prints one every 250 ms). */
        volatile Set<String> here = Set.of();

        Child(String name, int port, String seeds, String url, String table, int tickers) throws Exception {
            this.name = name;
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xss8m", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "--sun-misc-unsafe-memory-access=allow",
                    "-Dpekko.loglevel=" + "INFO", "-cp", System.getProperty("java.class.path"),
                    NodeMain.class.getName(), name, "" + port, seeds, url, table, "3", "" + tickers);
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread.ofPlatform().daemon(true).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null;) {
                        synchronized (lines) {
                            lines.add(l);
                        }
                        if (l.startsWith("CREATED")) {
                            created.countDown();
                        } else if (l.startsWith("SETTINGS ")) {
                            settings = l.substring("SETTINGS ".length());
                        } else if (l.contains(" here [")) {
                            String ids = l.substring(l.indexOf(" here [") + 7, l.lastIndexOf(']'));
                            Set<String> s = new TreeSet<>();
                            for (String id : ids.split(", ")) {
                                if (!id.isEmpty()) {
                                    s.add(id);
                                }
                            }
                            here = s;
                        }
                    }
                } catch (java.io.IOException e) {
                    // killed
                }
            });
        }

        /** The settings this node printed (heartbeat, acceptable pause, SBR, sweep, hand-off), or null. */
        public String settings() {
            return settings;
        }

        /** The tasklets this node reported running at its last trace line. */
        public Set<String> here() {
            return here;
        }

        String tail(int n) {
            synchronized (lines) {
                return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
            }
        }
    }
}
