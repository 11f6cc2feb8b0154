package org.jstackless.durable.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableBody;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableStore;
import org.jstackless.durable.FileStore;
import org.jstackless.durable.PgStore;
import org.jstackless.durable.internal.PrivatePostgres;

/**
 * The durable benchmark ({@code ./jstackless bench-durable}): checkpoints per second and their
 * latency for the file store and for PostgreSQL, and durable steps next to DBOS Transact on the
 * same private PostgreSQL server, in one run; writes a markdown page.
 *
 * <pre>  DurableBench [--quick] [--parts file,postgres,steps] [--md FILE] [--splice PAGE]</pre>
 *
 * {@code --parts} runs only some parts (all three by default).
 * {@code --splice PAGE} also puts the page's targets, with a link, into PAGE (docs/benchmarks.md)
 * as its "Durable tasklets" section, replacing the one there.
 */
public final class DurableBench {
    static final Latencies LATENCIES = new Latencies();
    private static final byte[] KEY = "durable bench key, not a secret!".getBytes(StandardCharsets.UTF_8);
    static final String SECTION = "## Durable tasklets (bench-durable)";

    private DurableBench() {
    }

    /** A durable tasklet that checkpoints {@code n} times, timing each checkpoint (call to return). */
    static int checkpoints(int n) throws Suspendable {
        int i = 0;
        while (i < n) {
            long t0 = System.nanoTime();
            Durable.checkpoint();
            LATENCIES.add(System.nanoTime() - t0);
            i++;
        }
        return i;
    }

    /** A durable tasklet that runs {@code n} durable steps, each returning its index, timing each. */
    static int steps(int n) throws Suspendable, Exception {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            int v = i;
            long t0 = System.nanoTime();
            sum += Durable.step(() -> v);
            LATENCIES.add(System.nanoTime() - t0);
        }
        return sum;
    }

    /** One measured run. */
    record Run(String what, long rows, long commits, double seconds, double cpuMicrosPerRow, double p50, double p99,
            double commitP50, double commitP99, double bytesPerRow) {
        double perSecond() {
            return rows / seconds;
        }
    }

    /**
     * Runs {@code tasklets} durable tasklets of {@code each} checkpoints (or steps) on {@code store}
     * (closed here); {@code counted} rows per tasklet are what the rate counts.
     */
    static Run jstackless(String what, DurableStore store, int tasklets, int each, boolean step, boolean countAll)
            throws Exception {
        TimedStore ts = new TimedStore(store);
        try (ts; DurableRuntime rt = DurableRuntime.builder(ts).signingKey(KEY).allow(DurableBench.class).open()) {
            Map<String, DurableBody<Integer>> bodies = new LinkedHashMap<>();
            for (int t = 0; t < tasklets; t++) {
                bodies.put("t" + t, step ? () -> steps(each) : () -> checkpoints(each));
            }
            long tid = engineThread();
            var mx = ManagementFactory.getThreadMXBean();
            LATENCIES.clear();
            ts.reset();
            long cpu0 = mx.getThreadCpuTime(tid);
            long t1 = System.nanoTime();
            rt.startAll(bodies); // one commit; they all run from the next round on
            for (int t = 0; t < tasklets; t++) {
                rt.awaitDone("t" + t, Duration.ofMinutes(10));
            }
            long t2 = System.nanoTime();
            long cpu = mx.getThreadCpuTime(tid) - cpu0;
            long[] c = ts.counts();
            long rows = countAll ? c[0] : (long) tasklets * each;
            return new Run(what, rows, c[1], (t2 - t1) / 1e9, cpu / 1e3 / c[0], LATENCIES.percentileMillis(50),
                    LATENCIES.percentileMillis(99), ts.commits.percentileMillis(50), ts.commits.percentileMillis(99),
                    (double) c[2] / c[0]);
        }
    }

    /** The runtime's thread (one runtime is open at a time here). */
    private static long engineThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("jstackless-durable") && t.isAlive()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no jstackless-durable thread")).threadId();
    }

    static Run dbos(String what, DbosPeer peer, int workflows, int steps) throws Exception {
        LATENCIES.clear();
        long t1 = System.nanoTime();
        peer.run(workflows, steps);
        long t2 = System.nanoTime();
        return new Run(what, (long) workflows * steps, (long) workflows * steps, (t2 - t1) / 1e9, Double.NaN,
                LATENCIES.percentileMillis(50), LATENCIES.percentileMillis(99), Double.NaN, Double.NaN, Double.NaN);
    }

    static Path tempDir() throws IOException {
        return Files.createTempDirectory("jsl-durable-bench");
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A file store run in a fresh directory, deleted afterwards. */
    static Run fileRun(String what, boolean fsync, int tasklets, int each) throws Exception {
        Path dir = tempDir();
        try {
            return jstackless(what, FileStore.builder(dir).fsync(fsync).open(), tasklets, each, false, true);
        } finally {
            delete(dir);
        }
    }

    private static int tables;

    static PgStore table(PrivatePostgres pg) throws IOException {
        return PgStore.open(pg.url(), "bench_" + tables++);
    }

    /** {@code reps} runs after {@code warm} unreported ones. */
    static List<Run> repeat(int warm, int reps, Callable run) throws Exception {
        for (int i = 0; i < warm; i++) {
            run.call();
        }
        List<Run> out = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            Run r = run.call();
            System.out.println("  " + line(r));
            out.add(r);
        }
        return out;
    }

    interface Callable {
        Run call() throws Exception;
    }

    static String line(Run r) {
        return String.format(Locale.ROOT, "%s: %.0f/s (%d in %.2f s, %d commits), p50 %.2f ms, p99 %.2f ms%s", r.what(),
                r.perSecond(), r.rows(), r.seconds(), r.commits(), r.p50(), r.p99(),
                Double.isNaN(r.cpuMicrosPerRow()) ? "" : String.format(Locale.ROOT, ", runtime thread %.1f µs CPU per row",
                        r.cpuMicrosPerRow()));
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        List<String> parts = List.of("file", "postgres", "steps");
        Path md = null;
        Path splice = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--parts" -> parts = List.of(args[++i].split(","));
                case "--md" -> md = Path.of(args[++i]);
                case "--splice" -> splice = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: DurableBench [--quick] [--parts file,postgres,steps] [--md FILE] [--splice PAGE]");
                    System.exit(2);
                }
            }
        }
        String loadBefore = load();
        long start = System.nanoTime();
        int warm = quick ? 1 : 2;
        int reps = quick ? 2 : 5;
        int tasklets = 1000;
        int each = quick ? 30 : 100;
        Report rep = new Report(quick, warm, reps, tasklets, each);

        if (parts.contains("file")) {
            System.out.println("file store, fsync on: " + tasklets + " tasklets x " + each + " checkpoints");
            rep.fileFsync = repeat(warm, reps, () -> fileRun("file, fsync", true, tasklets, each));
            System.out.println("file store, fsync off");
            rep.fileNoFsync = repeat(1, quick ? 1 : 3, () -> fileRun("file, no fsync", false, tasklets, each));
        }
        if (!parts.contains("postgres") && !parts.contains("steps")) {
            System.out.println("(PostgreSQL and DBOS not run: --parts)");
        } else if (PrivatePostgres.binaries() == null) {
            System.out.println("PostgreSQL is not installed (apt-get install postgresql): no PostgreSQL or DBOS figures");
        } else {
            try (PrivatePostgres pg = PrivatePostgres.start()) {
                rep.postgres = postgresSettings(pg);
                int pgEach = quick ? 10 : 30;
                rep.pgEach = pgEach;
                if (parts.contains("postgres")) {
                    System.out.println("PostgreSQL store: " + tasklets + " tasklets x " + pgEach + " checkpoints");
                    rep.pg = repeat(warm, reps, () -> jstackless("PostgreSQL", table(pg), tasklets, pgEach, false, true));
                }

                int seq = Integer.getInteger("bench.sequentialSteps", quick ? 100 : 300);
                int wf = 100;
                int wfSteps = quick ? 5 : 20;
                rep.seqSteps = seq;
                rep.workflows = wf;
                rep.wfSteps = wfSteps;
                if (parts.contains("steps")) {
                    steps(pg, rep, quick);
                }
            }
        }
        rep.minutes = (System.nanoTime() - start) / 60e9;
        rep.loadBefore = loadBefore;
        rep.loadAfter = load();
        String page = rep.render();
        System.out.println();
        System.out.print(page);
        if (md != null) {
            Files.createDirectories(md.toAbsolutePath().getParent());
            Files.writeString(md, page);
            System.out.println("(written to " + md + ")");
        }
        if (splice != null && md != null) {
            Path rel = splice.toAbsolutePath().getParent().relativize(md.toAbsolutePath());
            String text = Files.readString(splice);
            Files.writeString(splice, spliced(text, rep.section(rel.toString().replace('\\', '/'))));
            System.out.println("(section \"" + SECTION.substring(3) + "\" of " + splice + " updated)");
        }
    }

    /** The hand-written cluster figures at the end of the durable section: kept by {@link #spliced}. */
    static final String CLUSTER = "### Cluster";

    /**
     * {@code page} with its durable section replaced by {@code section}, or with it added at the end;
     * the section's {@link #CLUSTER} subsection (figures of the cluster tests, not of this bench) is kept.
     */
    static String spliced(String page, String section) {
        int from = page.indexOf(SECTION);
        if (from < 0) {
            return page.stripTrailing() + "\n\n" + section;
        }
        int to = page.indexOf("\n## ", from + SECTION.length());
        int cluster = page.indexOf("\n" + CLUSTER, from + SECTION.length());
        if (cluster >= 0 && (to < 0 || cluster < to)) {
            to = cluster;
        }
        return page.substring(0, from) + section + (to < 0 ? "" : "\n" + page.substring(to + 1));
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static String postgresSettings(PrivatePostgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SHOW server_version")) {
                r.next();
                out.add("PostgreSQL " + r.getString(1));
            }
            for (String k : List.of("fsync", "synchronous_commit", "wal_sync_method", "shared_buffers")) {
                try (ResultSet r = s.executeQuery("SHOW " + k)) {
                    r.next();
                    out.add(k + " " + r.getString(1));
                }
            }
            return String.join(", ", out);
        }
    }

    /** Durable steps: jstackless and DBOS on the same server, warmed up, then alternating. */
    static void steps(PrivatePostgres pg, Report rep, boolean quick) throws Exception {
        int seq = rep.seqSteps;
        int wf = rep.workflows;
        int wfSteps = rep.wfSteps;
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE dbos_bench");
        }
        String dbosUrl = pg.url().replaceFirst("/postgres\\?user=jsl$", "/dbos_bench");
        try (DbosPeer dbos = new DbosPeer(dbosUrl, "jsl", LATENCIES)) {
            dbos(null, dbos, 10, 10);
            dbos(null, dbos, 1, 50);
            jstackless(null, table(pg), 10, 10, true, false);
            jstackless(null, table(pg), 1, 50, true, false);
            int r = quick ? 1 : 3;
            for (int i = 0; i < r; i++) {
                rep.add("jstackless 1", jstackless("jstackless Durable.step, 1 tasklet", table(pg), 1, seq, true, false));
                rep.add("DBOS 1", dbos("DBOS runStep, 1 workflow", dbos, 1, seq));
                rep.add("jstackless N", jstackless("jstackless Durable.step, " + wf + " tasklets", table(pg), wf, wfSteps,
                        true, false));
                rep.add("DBOS N", dbos("DBOS runStep, " + wf + " workflows", dbos, wf, wfSteps));
            }
        }
    }

    /** The page. */
    static final class Report {
        final boolean quick;
        final int warm;
        final int reps;
        final int tasklets;
        final int each;
        int pgEach;
        int seqSteps;
        int workflows;
        int wfSteps;
        List<Run> fileFsync = List.of();
        List<Run> fileNoFsync = List.of();
        List<Run> pg = List.of();
        final Map<String, List<Run>> steps = new LinkedHashMap<>();
        String postgres;
        double minutes;
        String loadBefore;
        String loadAfter;

        Report(boolean quick, int warm, int reps, int tasklets, int each) {
            this.quick = quick;
            this.warm = warm;
            this.reps = reps;
            this.tasklets = tasklets;
            this.each = each;
        }

        void add(String key, Run r) {
            System.out.println("  " + line(r));
            steps.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }

        static double median(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
            double[] v = rs.stream().mapToDouble(f).sorted().toArray();
            if (v.length == 0) {
                return Double.NaN;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        static double min(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
            return rs.stream().mapToDouble(f).min().orElse(Double.NaN);
        }

        static double max(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
            return rs.stream().mapToDouble(f).max().orElse(Double.NaN);
        }

        static String n(double v) {
            if (Double.isNaN(v)) {
                return "n/a";
            }
            return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                    : String.format(Locale.ROOT, "%.2f", v);
        }

        String range(List<Run> rs) {
            return n(median(rs, Run::perSecond)) + " (" + n(min(rs, Run::perSecond)) + " – " + n(max(rs, Run::perSecond)) + ")";
        }

        /** The targets table: target, measured, verdict. */
        List<String[]> targets() {
            List<String[]> t = new ArrayList<>();
            if (!fileFsync.isEmpty()) {
                double f = median(fileFsync, Run::perSecond);
                t.add(new String[] {"file store ≥ 50,000 checkpoints/s with group commit (fsync on)",
                        range(fileFsync) + " /s, p99 " + n(median(fileFsync, Run::p99)) + " ms", f >= 50_000 ? "met" : "**missed**"});
            }
            if (!pg.isEmpty()) {
                double p = median(pg, Run::perSecond);
                t.add(new String[] {"PostgreSQL ≥ 5,000 checkpoints/s", range(pg) + " /s, p99 " + n(median(pg, Run::p99)) + " ms",
                        p >= 5_000 ? "met" : "**missed**"});
            }
            if (steps.containsKey("DBOS 1")) {
                double j1 = median(steps.get("jstackless 1"), Run::p50);
                double d1 = median(steps.get("DBOS 1"), Run::p50);
                double jn = median(steps.get("jstackless N"), Run::perSecond);
                double dn = median(steps.get("DBOS N"), Run::perSecond);
                t.add(new String[] {"PostgreSQL ahead of DBOS per durable step: latency, one workflow",
                        n(j1) + " ms vs DBOS " + n(d1) + " ms per step (p50; " + ratio(d1, j1) + ")", verdict(d1 / j1)});
                t.add(new String[] {"PostgreSQL ahead of DBOS per durable step: throughput, " + workflows + " workflows",
                        n(jn) + " vs DBOS " + n(dn) + " steps/s (" + ratio(jn, dn) + ")", verdict(jn / dn)});
            }
            return t;
        }

        /** "Ahead" needs a margin over this machine's noise: within 10% either way is even. */
        static String verdict(double advantage) {
            return advantage >= 1.1 ? "met" : advantage > 1 / 1.1 ? "**even** (within 10%)" : "**missed**";
        }

        static String ratio(double a, double b) {
            return a >= b ? String.format(Locale.ROOT, "%.1f× in jstackless's favour", a / b)
                    : String.format(Locale.ROOT, "%.1f× in DBOS's favour", b / a);
        }

        static void table(StringBuilder b, List<String[]> rows, String... head) {
            b.append("| ").append(String.join(" | ", head)).append(" |\n|");
            for (int i = 0; i < head.length; i++) {
                b.append(i == 0 ? ":--|" : "--:|");
            }
            b.append('\n');
            for (String[] r : rows) {
                b.append("| ").append(String.join(" | ", r)).append(" |\n");
            }
        }

        void header(StringBuilder b) {
            b.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                    .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                    .append(" (").append(System.getProperty("os.arch")).append("), shared with other builds\n");
            b.append("- JDK: ").append(System.getProperty("java.version")).append(", ").append(System.getProperty("java.vm.name"))
                    .append('\n');
            b.append("- Run: ").append(LocalDate.now()).append(", ").append(n(minutes)).append(" min")
                    .append(quick ? " (`--quick`: fewer and shorter runs)" : "").append('\n');
            b.append("- Load average (1, 5, 15 min) before → after: ").append(loadBefore).append(" → ").append(loadAfter)
                    .append(" (2 cores: above 1 means something besides this run was busy)\n");
            if (postgres != null) {
                b.append("- ").append(postgres).append(": a private server (initdb, pg_ctl on loopback) started by the run, "
                        + "default settings\n");
            }
            b.append("- Produced by: `./jstackless bench-durable").append(quick ? " --quick" : "").append("`\n");
        }

        String render() {
            StringBuilder b = new StringBuilder("# Durable tasklets: checkpoints and durable steps\n\n");
            header(b);
            b.append("\n## Targets (issue 17)\n\n");
            table(b, targets(), "target", "measured (median, min – max)", "verdict");
            b.append("\n## Checkpoints per second\n\n");
            b.append(tasklets).append(" durable tasklets each call `Durable.checkpoint()` ").append(each)
                    .append(" times (").append(pgEach).append(" on PostgreSQL); every round commits one checkpoint of "
                            + "each with one write and one fsync (file) or one SQL transaction (PostgreSQL): group "
                            + "commit. Rows are all checkpoints committed, the tasklets' first and last included. ")
                    .append(warm).append(" warm-up run(s), then ").append(reps).append(" measured; each run in a fresh "
                            + "directory or table. *Latency* is a checkpoint's, from the call to its return (its round's "
                            + "pickling, the commit, the resumption); *commit* is the store's commit alone. *CPU* is the "
                            + "runtime thread's CPU time per row (pickling, sealing, encoding, scheduling), which "
                            + "depends less on the machine's load than the rate; *bytes* is a row's sealed pickle.\n\n");
            List<String[]> rows = new ArrayList<>();
            for (List<Run> rs : List.of(fileFsync, fileNoFsync, pg)) {
                if (rs.isEmpty()) {
                    continue;
                }
                rows.add(new String[] {rs.get(0).what(), range(rs), n(median(rs, r -> (double) r.rows() / r.commits())),
                        n(median(rs, Run::p50)) + " / " + n(median(rs, Run::p99)),
                        n(median(rs, Run::commitP50)) + " / " + n(median(rs, Run::commitP99)),
                        n(median(rs, Run::cpuMicrosPerRow)), n(median(rs, Run::bytesPerRow))});
            }
            table(b, rows, "store", "rows/s (median, min – max)", "rows per commit", "latency p50 / p99 ms",
                    "commit p50 / p99 ms", "CPU µs per row", "bytes per row");
            if (!steps.isEmpty()) {
                b.append("\n## Durable steps: jstackless and DBOS Transact on the same PostgreSQL\n\n");
                b.append("A durable step runs a call and records its result so that it never runs again: "
                        + "`Durable.step(() -> i)` in a durable tasklet on a `PgStore`, `dbos.runStep(() -> i, \"step\")` in "
                        + "a DBOS workflow (DBOS Transact for Java 1.1.0-m6, `dev.dbos:transact`, its defaults: a pool of "
                        + "10 connections, one transaction per step, workflows on virtual threads). Both on the same "
                        + "private PostgreSQL server in the same JVM, alternating, after a warm-up of each. One "
                        + "workflow: ").append(seqSteps).append(" steps one after another (each step waits for its "
                                + "own commit). ").append(workflows).append(" workflows: started at once, ").append(wfSteps)
                        .append(" steps each (jstackless commits the steps of a round together; DBOS commits each "
                                + "step on its own, PostgreSQL grouping the concurrent WAL flushes). Latency: from the "
                                + "step's call to its return.\n\n");
                List<String[]> s = new ArrayList<>();
                for (var e : steps.entrySet()) {
                    List<Run> rs = e.getValue();
                    s.add(new String[] {rs.get(0).what(), range(rs), n(median(rs, Run::p50)), n(median(rs, Run::p99))});
                }
                table(b, s, "workload", "steps/s (median, min – max)", "per-step p50 ms", "per-step p99 ms");
            }
            b.append("\n## Every run\n\n```\n");
            for (List<Run> rs : List.of(fileFsync, fileNoFsync, pg)) {
                rs.forEach(r -> b.append(line(r)).append('\n'));
            }
            steps.values().forEach(rs -> rs.forEach(r -> b.append(line(r)).append('\n')));
            b.append("```\n");
            return b.toString();
        }

        /** The section for docs/benchmarks.md: the targets and a link to the page at {@code link}. */
        String section(String link) {
            StringBuilder b = new StringBuilder(SECTION).append("\n\n");
            b.append("From a separate run of `./jstackless bench-durable` on ").append(LocalDate.now())
                    .append(" (load average ").append(loadBefore).append(" → ").append(loadAfter)
                    .append("): checkpoints per second and latency of the file store and of PostgreSQL, and durable "
                            + "steps next to DBOS Transact on the same PostgreSQL: [").append(link).append("](")
                    .append(link).append(").\n\n");
            table(b, targets(), "target", "measured (median, min – max)", "verdict");
            return b.toString();
        }
    }
}
