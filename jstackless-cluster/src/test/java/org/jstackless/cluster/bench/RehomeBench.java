package org.jstackless.cluster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jstackless.cluster.NodeJvms;
import org.jstackless.cluster.internal.Directory;
import org.jstackless.durable.internal.PrivatePostgres;

/**
 * The re-homing benchmark ({@code ./jstackless bench-durable --parts rehome}): three node JVMs over a
 * private PostgreSQL server, N durable tickers (a 200 ms durable timer in a loop) on n3; n3 is
 * SIGKILLed, and the time is taken from the kill until every one of its tickers has checkpointed
 * twice more, on a survivor (the first checkpoint there is reported too). Each of R runs uses a fresh
 * cluster (three new JVMs, a new table). It reports median, min and max with the settings that bound
 * the figure, as the nodes read them from their running configuration.
 *
 * <pre>  RehomeBench [--tasklets N] [--runs R] [--splice BENCHMARKS_PAGE] [--figures CLUSTER_PAGE]</pre>
 *
 * {@code --splice} replaces the re-homing line of docs/benchmarks.md's "### Cluster" table,
 * {@code --figures} the one of docs/cluster.md's figures table.
 */
public final class RehomeBench {
    static final String ROW = "| re-homing ≤ 10 s after a node's SIGKILL";
    static final String FIGURES_ROW = "| SIGKILL of a node → its ";

    private RehomeBench() {
    }

    public static void main(String[] args) throws Exception {
        int tasklets = 10;
        int runs = 3;
        Path splice = null;
        Path figures = null;
        for (int i = 0; i < args.length; i++) {
            switch (i + 1 < args.length ? args[i] : "") {
                case "--tasklets" -> tasklets = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--splice" -> splice = Path.of(args[++i]);
                case "--figures" -> figures = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: RehomeBench [--tasklets N] [--runs R] [--splice PAGE] [--figures PAGE]");
                    System.exit(2);
                }
            }
        }
        if (tasklets < 1 || tasklets > 1000 || runs < 1 || runs > 50) {
            System.err.println("RehomeBench: --tasklets 1..1000, --runs 1..50");
            System.exit(2);
        }
        if (PrivatePostgres.binaries() == null) {
            System.err.println("RehomeBench: PostgreSQL is not installed (apt-get install postgresql)");
            System.exit(1);
        }
        String loadBefore = ClusterBench.load();
        List<Double> all = new ArrayList<>();
        List<Double> first = new ArrayList<>();
        String settings = null;
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            for (int run = 1; run <= runs; run++) {
                String table = "rehome_bench_" + run;
                try (NodeJvms kids = new NodeJvms(pg.url(), table, tasklets)) {
                    if (!kids.awaitCreated(300)) {
                        throw new IllegalStateException("run " + run + ": the cluster did not form in 300 s\n" + kids.tails(40));
                    }
                    // The nodes created the table; the directory reads it.
                    try (Directory d = new Directory(pg.url(), table)) {
                        Map<String, Long> start = NodeJvms.seqs(d);
                        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                        while (!NodeJvms.advanced(start, NodeJvms.seqs(d), tasklets, 2)) {
                            if (System.nanoTime() > end) {
                                throw new IllegalStateException("run " + run + ": the tickers did not run on n3\n"
                                        + kids.tails(40));
                            }
                            Thread.sleep(20);
                        }
                        long t0 = System.nanoTime();
                        kids.killLast();
                        Map<String, Long> atKill = NodeJvms.seqs(d);
                        long once = -1;
                        end = t0 + TimeUnit.SECONDS.toNanos(120);
                        while (true) {
                            Map<String, Long> now = NodeJvms.seqs(d);
                            if (once < 0 && NodeJvms.advanced(atKill, now, tasklets, 1)) {
                                once = System.nanoTime() - t0;
                            }
                            if (NodeJvms.advanced(atKill, now, tasklets, 2)) {
                                break;
                            }
                            if (System.nanoTime() > end) {
                                throw new IllegalStateException("run " + run + ": not re-homed in 120 s\n" + kids.tails(60));
                            }
                            Thread.sleep(10);
                        }
                        double s = (System.nanoTime() - t0) / 1e9;
                        all.add(s);
                        first.add(once / 1e9);
                        String here = kids.node(0).settings();
                        if (here == null || !here.equals(kids.node(1).settings())) {
                            throw new IllegalStateException("run " + run + ": the survivors report different settings: "
                                    + here + " / " + kids.node(1).settings());
                        }
                        if (settings != null && !settings.equals(here)) {
                            throw new IllegalStateException("settings changed between runs: " + settings + " / " + here);
                        }
                        settings = here;
                        System.out.printf(Locale.ROOT, "run %d: %d tasklets of the SIGKILLed node ran again elsewhere %.2f s"
                                + " after the kill (first checkpoint there after %.2f s)%n", run, tasklets, s, once / 1e9);
                    }
                }
            }
        }
        String loadAfter = ClusterBench.load();
        List<Double> sorted = new ArrayList<>(all);
        Collections.sort(sorted);
        List<Double> firstSorted = new ArrayList<>(first);
        Collections.sort(firstSorted);
        String fd = "in force (read by the nodes from their running configuration): " + settings.replace('=', ' ');
        String summary = String.format(Locale.ROOT, "re-homing over %d runs x %d tasklets: median %s s (min %s, max %s);"
                + " first checkpoint on a survivor median %s s; load average %s → %s; settings %s", runs, tasklets,
                s(median(sorted)), s(sorted.get(0)), s(sorted.get(sorted.size() - 1)), s(median(firstSorted)), loadBefore,
                loadAfter, fd);
        System.out.println(summary);
        String verdict = sorted.get(sorted.size() - 1) <= 10.0 ? "met"
                : median(sorted) <= 10.0 ? "met at the median" : "**missed**";
        String cell = s(median(sorted)) + " s median (" + s(sorted.get(0)) + " – " + s(sorted.get(sorted.size() - 1))
                + " s), each tasklet's second checkpoint on a survivor; its first: " + s(median(firstSorted)) + " s median; "
                + fd;
        if (splice != null) {
            splice(splice, ROW, ROW + " (`./jstackless bench-durable --parts rehome`, " + runs + " runs × " + tasklets
                    + " tasklets, fresh 3-JVM cluster each, " + LocalDate.now() + ", load " + loadBefore + ") | " + cell + " | "
                    + verdict + " |");
        }
        if (figures != null) {
            splice(figures, FIGURES_ROW, FIGURES_ROW + tasklets + " tasklets running on others | **" + s(median(sorted))
                    + " s** median (" + s(sorted.get(0)) + " – " + s(sorted.get(sorted.size() - 1)) + " s, " + runs
                    + " runs, " + LocalDate.now() + ", load " + loadBefore + "; first checkpoint on a survivor "
                    + s(median(firstSorted)) + " s median); " + fd + " | ≤ 10 s | `./jstackless bench-durable --parts rehome` (`RehomeBench`) |");
        }
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String s(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Replaces the line of {@code page} that starts with {@code prefix} by {@code row}. */
    static void splice(Path page, String prefix, String row) throws IOException {
        String text = Files.readString(page);
        int at = text.indexOf(prefix);
        if (at < 0 || (at > 0 && text.charAt(at - 1) != '\n')) {
            System.err.println("RehomeBench: no line starting with \"" + prefix + "\" in " + page + ": not spliced");
            return;
        }
        int eol = text.indexOf('\n', at);
        Files.writeString(page, text.substring(0, at) + row + (eol < 0 ? "" : text.substring(eol)));
        System.out.println("(the re-homing line of " + page + " updated)");
    }
}
