package org.jstackless.cluster.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.jstackless.Suspendable;
import org.jstackless.cluster.ClusterNode;
import org.jstackless.cluster.internal.Msg;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableState;
import org.jstackless.durable.PgStore;
import org.jstackless.durable.internal.PrivatePostgres;

/**
 * The cluster benchmark ({@code ./jstackless bench-cluster}): the round trip of a durable channel
 * between durable tasklets on two nodes of a Pekko cluster over a private PostgreSQL server
 * ({@code fsync} and {@code synchronous_commit} on), with the floors that bound it measured in the
 * same run: one commit of the store alone, PostgreSQL's own WAL flush time, and a Pekko message
 * round trip between two nodes alone.
 *
 * <pre>  ClusterBench [--trips N] [--warmup W] [--runs R] [--nodes K] [--splice PAGE]</pre>
 *
 * {@code --splice PAGE} puts the round-trip line into PAGE's (docs/benchmarks.md) "### Cluster" table.
 */
public final class ClusterBench {
    private static final byte[] KEY = "cluster bench key, not a secret!".getBytes(StandardCharsets.UTF_8);
    /** Round-trip times of the pinger after its warm-up, nanoseconds (the pinger runs in this JVM). */
    static final List<Long> TRIPS = Collections.synchronizedList(new ArrayList<>());
    static final String ROW = "| cross-node durable channel round trip ≤ 2 ms p50";

    private ClusterBench() {
    }

    /** Sends {@code warm + n} values on "ping", receives each plus one on "pong"; times the last n trips. */
    public static String pinger(int warm, int n) throws Suspendable {
        int bad = 0;
        for (int i = 0; i < warm + n; i++) {
            long t0 = System.nanoTime();
            Durable.<Integer>channel("ping").send(i);
            int r = Durable.<Integer>channel("pong").receive();
            if (i >= warm) {
                TRIPS.add(System.nanoTime() - t0);
            }
            if (r != i + 1) {
                bad++;
            }
        }
        return "bad " + bad;
    }

    /** Answers {@code n} pings with the value plus one. */
    public static String ponger(int n) throws Suspendable {
        for (int i = 0; i < n; i++) {
            int v = Durable.<Integer>channel("ping").receive();
            Durable.<Integer>channel("pong").send(v + 1);
        }
        return "ponged " + n;
    }

    /** p-th percentile (nearest rank) of {@code ns}, in ms. */
    static double pct(long[] ns, double p) {
        long[] s = ns.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1e6;
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String triple(long[] ns) {
        return ms(pct(ns, 50)) + " / " + ms(pct(ns, 90)) + " / " + ms(pct(ns, 99)) + " ms";
    }

    public static void main(String[] args) throws Exception {
        int trips = 500;
        int warm = 100;
        int runs = 3;
        int nodes = 3;
        Path splice = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trips" -> trips = Integer.parseInt(args[++i]);
                case "--warmup" -> warm = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--splice" -> splice = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: ClusterBench [--trips N] [--warmup W] [--runs R] [--nodes K>=2] [--splice PAGE]");
                    System.exit(2);
                }
            }
        }
        if (nodes < 2 || trips < 10 || runs < 1) {
            System.err.println("ClusterBench: --nodes 2 or more, --trips 10 or more, --runs 1 or more");
            System.exit(2);
        }
        if (PrivatePostgres.binaries() == null) {
            System.err.println("ClusterBench: PostgreSQL is not installed (apt-get install postgresql)");
            System.exit(1);
        }
        String loadBefore = load();
        List<String> runLines = new ArrayList<>();
        List<Double> p50s = new ArrayList<>();
        long[] all = new long[0];
        String settings;
        String walLine;
        String storeLine;
        String pekkoLine;
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            settings = settings(pg);
            sql(pg, "ALTER SYSTEM SET track_wal_io_timing = on", "SELECT pg_reload_conf()");
            List<ClusterNode> ns = new ArrayList<>();
            try {
                int[] ports = new int[nodes];
                for (int i = 0; i < nodes; i++) {
                    ports[i] = freePort();
                }
                for (int i = 0; i < nodes; i++) {
                    ns.add(ClusterNode.builder("n" + (i + 1)).port(ports[i]).seeds("127.0.0.1:" + ports[0])
                            .store(pg.url(), "bench").signingKey(KEY).allow(ClusterBench.class).start());
                }
                awaitMembers(ns);
                ClusterNode a = ns.get(0);
                ClusterNode b = ns.get(1);
                for (int r = 1; r <= runs; r++) {
                    TRIPS.clear();
                    int total = warm + trips;
                    long txn0 = txns(pg);
                    String pong = "ponger-" + r;
                    String ping = "pinger-" + r;
                    b.start(pong, () -> ponger(total));
                    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (a.balance("ping") != -1) {
                        if (System.nanoTime() > end) {
                            throw new IllegalStateException("the ponger does not wait on ping: " + a.list());
                        }
                        Thread.sleep(10);
                    }
                    final int w = warm;
                    final int n = trips;
                    a.start(ping, () -> pinger(w, n));
                    Duration limit = Duration.ofSeconds(60 + total / 20);
                    if (a.awaitDone(ping, limit).state() != DurableState.FINISHED
                            || b.awaitDone(pong, limit).state() != DurableState.FINISHED) {
                        throw new IllegalStateException("the ping-pong failed: " + a.list());
                    }
                    String res = a.result(ping);
                    if (!res.equals("bad 0")) {
                        throw new IllegalStateException("wrong answers: " + res);
                    }
                    long txn1 = txns(pg);
                    long[] t = TRIPS.stream().mapToLong(Long::longValue).toArray();
                    all = concat(all, t);
                    p50s.add(pct(t, 50));
                    String where = a.where(ping, Duration.ofSeconds(10)) + " ↔ " + a.where(pong, Duration.ofSeconds(10));
                    String line = String.format(Locale.ROOT, "run %d (%s): %d trips after %d warm-up, p50/p90/p99 %s;"
                            + " %.2f commits per trip (rows of %s bytes); right after: %s", r, where, t.length, warm, triple(t),
                            (txn1 - txn0) / (double) total, rowBytes(pg), walAlone(pg));
                    System.out.println(line);
                    runLines.add(line);
                }
                storeLine = storeAlone(pg, trips);
                System.out.println(storeLine);
                walLine = walAlone(pg);
                System.out.println(walLine);
                pekkoLine = pekkoAlone(a, b, warm, trips, 0) + "; " + pekkoAlone(a, b, warm, trips / 2, 3)
                        + "; " + entityAlone(a, "ponger-1", warm, trips);
                System.out.println(pekkoLine);
            } finally {
                for (int i = ns.size() - 1; i >= 0; i--) {
                    try {
                        ns.get(i).close();
                    } catch (Exception ignored) {
                        // closing the rest
                    }
                }
            }
        }
        String loadAfter = load();
        Collections.sort(p50s);
        String summary = String.format(Locale.ROOT, "cross-node round trip over %d runs x %d trips: p50 %s ms (runs %s – %s),"
                + " p90 %s ms, p99 %s ms (all trips); load average %s → %s; %s", runs, trips, ms(pct(all, 50)),
                ms(p50s.get(0)), ms(p50s.get(p50s.size() - 1)), ms(pct(all, 90)), ms(pct(all, 99)), loadBefore, loadAfter, settings);
        System.out.println(summary);
        if (splice != null) {
            String cell = String.format(Locale.ROOT, "%s ms p50 (runs %s – %s), p90 %s, p99 %s ms; floors: %s; %s; %s",
                    ms(pct(all, 50)), ms(p50s.get(0)), ms(p50s.get(p50s.size() - 1)), ms(pct(all, 90)), ms(pct(all, 99)),
                    storeLine, walLine, pekkoLine);
            String verdict = pct(all, 50) <= 2.0 ? "met" : "**missed**";
            String row = ROW + " (`./jstackless bench-cluster`, " + runs + " × " + trips + " trips, " + LocalDate.now()
                    + ", load " + loadBefore + ") | " + cell + " | " + verdict + " |";
            String page = Files.readString(splice);
            int at = page.indexOf(ROW);
            if (at < 0) {
                System.err.println("ClusterBench: no line starting with \"" + ROW + "\" in " + splice + ": not spliced");
            } else {
                int eol = page.indexOf('\n', at);
                Files.writeString(splice, page.substring(0, at) + row + (eol < 0 ? "" : page.substring(eol)));
                System.out.println("(the round-trip line of " + splice + " updated)");
            }
        }
    }

    /** One single-row commit of the store at a time (what a rendezvous costs in PostgreSQL alone). */
    static String storeAlone(PrivatePostgres pg, int n) throws IOException {
        long[] t = new long[n];
        try (PgStore s = PgStore.open(pg.url(), "bench_alone")) {
            byte[] pickle = new byte[600];
            for (int i = 0; i < n + 50; i++) {
                Checkpoint a = new Checkpoint("x", i + 1, DurableState.RUNNABLE, 0, "", "", pickle, 0);
                Checkpoint b = new Checkpoint("y", i + 1, DurableState.RUNNABLE, 0, "", "", pickle, 0);
                long t0 = System.nanoTime();
                s.commit(List.of(a, b)); // seq 1 inserts, then updates: compare-and-set on each
                if (i >= 50) {
                    t[i - 50] = System.nanoTime() - t0;
                }
            }
        }
        return "a two-row commit of the store alone " + triple(t) + " (p50/p90/p99)";
    }

    /** PostgreSQL's own timing of its WAL flushes over a burst of tiny committed transactions. */
    static String walAlone(PrivatePostgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_wal (k int PRIMARY KEY, v bigint)");
            s.execute("INSERT INTO bench_wal VALUES (1, 0) ON CONFLICT DO NOTHING");
            long[] w0 = wal(pg);
            long t0 = System.nanoTime();
            int n = 300;
            for (int i = 0; i < n; i++) {
                s.execute("UPDATE bench_wal SET v = v + 1 WHERE k = 1");
            }
            double per = (System.nanoTime() - t0) / 1e6 / n;
            s.execute("SELECT pg_stat_force_next_flush()"); // this backend's WAL statistics, now (not within a second)
            long[] w1 = wal(pg);
            long syncs = w1[0] - w0[0];
            return String.format(Locale.ROOT, "a one-row UPDATE commit alone %s ms mean, its WAL flush %s ms (PostgreSQL's"
                    + " wal_sync_time / wal_sync)", ms(per), syncs == 0 ? "n/a" : ms((w1[1] - w0[1]) / 1000.0 / syncs));
        }
    }

    /**
     * A Pekko message and its answer between two nodes (n1 asks an actor on n2), alone: back to
     * back, or {@code gapMillis} apart (as the hops of a ping-pong are: threads park between them).
     */
    static String pekkoAlone(ClusterNode a, ClusterNode b, int warm, int n, int gapMillis) throws Exception {
        ActorRef<Msg> echo = b.system().systemActorOf(Behaviors.receive(Msg.class)
                .onMessage(Msg.Where.class, m -> {
                    m.replyTo().tell("n2");
                    return Behaviors.same();
                }).build(), "bench-echo-" + gapMillis, Props.empty());
        String path = ActorRefResolver.get(b.system()).toSerializationFormat(echo);
        ActorRef<Msg> there = ActorRefResolver.get(a.system()).resolveActorRef(path);
        long[] t = new long[n];
        for (int i = 0; i < warm + n; i++) {
            long t0 = System.nanoTime();
            AskPattern.<Msg, String>ask(there, Msg.Where::new, Duration.ofSeconds(10), a.system().scheduler())
                    .toCompletableFuture().get(15, TimeUnit.SECONDS);
            if (i >= warm) {
                t[i - warm] = System.nanoTime() - t0;
            }
            if (gapMillis > 0) {
                Thread.sleep(gapMillis);
            }
        }
        return "a Pekko message and its answer n1 → n2 → n1 alone" + (gapMillis > 0 ? ", one every " + gapMillis + " ms," : "")
                + " " + triple(t);
    }

    /**
     * The path of a wake-up alone: n1 asks the entity of a tasklet that lives on n2 where it runs
     * (sharding's regions, the entity, the runtime's thread) and gets the answer back.
     */
    static String entityAlone(ClusterNode a, String id, int warm, int n) {
        long[] t = new long[n];
        for (int i = 0; i < warm + n; i++) {
            long t0 = System.nanoTime();
            a.where(id, Duration.ofSeconds(10));
            if (i >= warm) {
                t[i - warm] = System.nanoTime() - t0;
            }
        }
        return "n1 → a tasklet's entity on n2 (sharding, the entity, the runtime's thread) → n1 " + triple(t);
    }

    /** Commits of the cluster's table so far: each takes one number of its txn sequence. */
    static long txns(PrivatePostgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT last_value FROM bench_txn")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The sizes of the finished ping-pong rows' pickles, smallest to largest. */
    static String rowBytes(PrivatePostgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT min(length(pickle)), max(length(pickle)) FROM bench")) {
            r.next();
            return r.getLong(1) + " – " + r.getLong(2);
        }
    }

    /** pg_stat_wal's flush count and time (µs). */
    static long[] wal(PrivatePostgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT wal_sync, wal_sync_time FROM pg_stat_wal")) {
            r.next();
            return new long[] {r.getLong(1), (long) (r.getDouble(2) * 1000)};
        }
    }

    static void sql(PrivatePostgres pg, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    static String settings(PrivatePostgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT current_setting('server_version'), current_setting('fsync'), "
                        + "current_setting('synchronous_commit'), current_setting('wal_sync_method')")) {
            r.next();
            return "PostgreSQL " + r.getString(1) + ", fsync " + r.getString(2) + ", synchronous_commit " + r.getString(3)
                    + ", wal_sync_method " + r.getString(4);
        }
    }

    static void awaitMembers(List<ClusterNode> ns) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ns.stream().anyMatch(x -> x.members().size() != ns.size())) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the cluster did not form: " + ns.stream().map(ClusterNode::members).toList());
            }
            Thread.sleep(50);
        }
    }

    static long[] concat(long[] a, long[] b) {
        long[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The machine's load averages (1, 5, 15 min), or n/a. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }
}
