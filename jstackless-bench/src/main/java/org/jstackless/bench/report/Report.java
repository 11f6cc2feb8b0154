package org.jstackless.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads JMH JSON result files (and the JMH-shaped JSON of {@code MemoryPerTask}) and writes one
 * section per question (benchmark class): a table of each implementation's median and error, its
 * allocation per operation, its ratio to each peer measured in the same run (raw JDK continuation,
 * virtual threads, platform threads, Kotlin coroutines) and the DESIGN.md §7 target where one
 * applies, met or missed; a PNG chart per question; and a summary of every §7 target on top, under a
 * header naming the machine, the JDK and the JMH settings.
 *
 * <p>Conventions a benchmark class follows to join the report: its peer methods are named
 * {@code rawContinuation}, {@code virtualThreads}, {@code platformThreads} and {@code kotlin} (any
 * subset); every other method, once per parameter combination, is a row compared with the peer row
 * that has the same values for the peer's parameters (e.g. the same depth); {@link #QUESTIONS} says
 * what the class asks and what one operation is.
 *
 * <p>Usage: {@code Report OUTPUT.md RESULT.json...}; the charts go to a directory named after the
 * output file without its extension ({@code docs/benchmarks/} for {@code docs/benchmarks.md}).
 * System properties {@code bench.command} and {@code bench.load} add the command that produced the
 * run and the machine's load to the header.
 */
public final class Report {
    /** Benchmark method names of the peers, in column order, with their column titles. */
    private static final Map<String, String> PEERS = new LinkedHashMap<>();
    /** Per class, in report order: the question and what one operation is. */
    private static final Map<String, String[]> QUESTIONS = new LinkedHashMap<>();

    static {
        PEERS.put("rawContinuation", "raw continuation");
        PEERS.put("virtualThreads", "virtual threads");
        PEERS.put("platformThreads", "platform threads");
        PEERS.put("kotlin", "Kotlin coroutines");
        QUESTIONS.put("SwitchBench", new String[] {"Switch cost: schedule() between two tasks", "per switch"});
        QUESTIONS.put("PingPongBench", new String[] {"Channel ping-pong round trip", "per round trip"});
        QUESTIONS.put("DepthBench", new String[] {"Switch cost by stack depth", "per switch"});
        QUESTIONS.put("ThreadRingBench", new String[] {"Thread-ring, 503 tasks", "per hop"});
        QUESTIONS.put("SkynetBench", new String[] {"Skynet: 1 M leaves, 1,111,111 tasks", "per skynet"});
        QUESTIONS.put("CreationBench", new String[] {"Creation cost: create, start and finish a task", "per task"});
        QUESTIONS.put("MemoryPerTask", new String[] {"Memory per task parked on receive()", "per parked task, heap after GC"});
        QUESTIONS.put("PickleBench", new String[] {"Pickling a suspended tasklet (recurs(depth))", "per pickle / round trip"});
        QUESTIONS.put("TickBench", new String[] {"Cost of tick counting (no timed run active)", "per kernel run"});
        QUESTIONS.put("GeneratorBench", new String[] {"Generator next()", "per next()"});
        QUESTIONS.put("GreenletBench", new String[] {"Greenlet switch vs tasklet switch", "per round trip (2 switches)"});
        QUESTIONS.put("CarriersBench", new String[] {"Carriers: 1 vs 2, cross-thread, blocking calls", "per tree / hop / round trip / call"});
        QUESTIONS.put("NetBench", new String[] {"Sockets: loopback echo round trip; a switch with a parked socket", "per round trip / per switch"});
    }

    /** Per class: how it is measured, in one paragraph (the class's Javadoc has the details). */
    private static final Map<String, String> NOTES = Map.of(
            "SwitchBench", "Two tasks that do nothing but switch to each other, 10,000 switches per invocation: "
                    + "`Stackless.schedule()` between two tasklets; `yield` + `run` of two raw continuations; a baton "
                    + "(volatile flag + park/unpark) between two threads; `yield()` between two coroutines in "
                    + "`runBlocking`.",
            "PingPongBench", "A message sent on one channel and echoed back on another, 5,000 round trips per "
                    + "invocation: jstackless `Channel`s; two raw continuations handing it over in a field (the floor); "
                    + "`SynchronousQueue`s between threads; rendezvous `Channel`s between Kotlin coroutines.",
            "DepthBench", "SwitchBench's loop run by two tasks that first recursed `depth` frames (the first "
                    + "parameter). Target: the cost at depth 100 at most twice the cost at depth 1.",
            "ThreadRingBench", "503 tasks in a ring pass a token (one preallocated object, no boxing); 1 M hops per "
                    + "invocation (50 k for the thread rows), so the 10 M hops of the question are reached over the "
                    + "measurement's invocations. Threads use `SynchronousQueue`s, Kotlin rendezvous `Channel`s; the raw "
                    + "continuation row is 503 continuations run round-robin by a loop (no channel: the floor).",
            "SkynetBench", "A 10-ary tree of tasks, 1 M leaves (the `size` parameter), each inner task summing its "
                    + "children's numbers received on a channel; everything (creation, messages, garbage) inside the "
                    + "timing, default G1 heap. Platform threads: not run (a million OS threads); jstackless's "
                    + "VIRTUAL_THREAD fallback: not run (about 100 s per skynet). The raw-continuation row has no channel "
                    + "(children add to the parent's sum, the last re-queues it on a FIFO): the floor.",
            "CreationBench", "1,000 tasks created, started and run to their end per invocation; each body increments "
                    + "a counter. Raw continuations: `new Continuation(...).run()`; threads: start all, join all; "
                    + "Kotlin: `launch` × 1,000 in one `runBlocking`.",
            "MemoryPerTask", "Not JMH: N tasks (100 k; platform threads N/50) blocked on a receive from one shared "
                    + "channel (the raw continuation: yielded), heap used after three `System.gc()` before and after, "
                    + "divided by N; the median of 5 rounds after a warm-up round, ± half the range. Platform threads: "
                    + "heap only, their native stacks (1 MB reserved each by default) are not in the figure.");

    private Report() {
    }

    /**
     * One result: {@code method} the benchmark method, {@code params} its parameters, {@code score}
     * the median of the iterations (JMH's score when there is no median), {@code error} JMH's 99.9%
     * confidence half-width; {@code bytes} the allocation per operation from JMH's gc profiler, NaN
     * without it.
     */
    record Row(String cls, String method, Map<String, String> params, double score, double error, String unit,
            double bytes) {
        String label() {
            return params.isEmpty() ? method : method + " (" + String.join(", ", params.values()) + ")";
        }

        String param(String k) {
            return params.get(k);
        }

        boolean isPeer() {
            return PEERS.containsKey(method);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Report OUTPUT.md RESULT.json...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        List<Object> results = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Path p = Path.of(args[i]);
            if (Files.isRegularFile(p) && Files.size(p) > 0) {
                results.addAll((List<?>) Json.parse(Files.readString(p)));
            } else {
                System.err.println("Report: skipping " + p + " (missing or empty)");
            }
        }
        if (results.isEmpty()) {
            System.err.println("Report: no results");
            System.exit(1);
        }
        String name = out.getFileName().toString().replaceFirst("\\.md$", "");
        Path charts = out.resolveSibling(name);
        String markdown = render(results, charts, name);
        // bench/net's section (wrk against the http-server example and its peers) is produced by that
        // script; keep it at the end of the page when this report is regenerated.
        Path net = charts.resolve("net.md");
        if (Files.isRegularFile(net)) {
            markdown = markdown + "\n" + Files.readString(net);
        }
        markdown = markdown + durableSection(out);
        System.out.print(markdown);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, markdown);
        System.out.println();
        System.out.println("(written to " + out + ", charts in " + charts + "/)");
    }

    /** The section "./jstackless bench-durable" wrote into the page before (its own run), carried over; or "". */
    static String durableSection(Path page) throws IOException {
        String heading = "## Durable tasklets (bench-durable)";
        String old = Files.isRegularFile(page) ? Files.readString(page) : "";
        int from = old.indexOf(heading);
        if (from < 0) {
            return "";
        }
        int to = old.indexOf("\n## ", from + heading.length());
        return "\n" + (to < 0 ? old.substring(from) : old.substring(from, to + 1));
    }

    static String render(List<?> results, Path charts, String chartPrefix) throws IOException {
        Map<String, List<Row>> byClass = new LinkedHashMap<>();
        QUESTIONS.keySet().forEach(c -> byClass.put(c, new ArrayList<>()));
        Map<?, ?> jmh = null;
        for (Object o : results) {
            Map<?, ?> r = (Map<?, ?>) o;
            if (jmh == null && r.get("jmhVersion") != null) {
                jmh = r;
            }
            String name = (String) r.get("benchmark");
            int dot = name.lastIndexOf('.');
            String cls = name.substring(name.lastIndexOf('.', dot - 1) + 1, dot);
            String method = name.substring(dot + 1);
            Map<?, ?> metric = (Map<?, ?>) r.get("primaryMetric");
            Object alloc = r.get("secondaryMetrics") instanceof Map<?, ?> m ? m.get("gc.alloc.rate.norm") : null;
            double score = Json.number(metric.get("score"));
            if (metric.get("scorePercentiles") instanceof Map<?, ?> pc && pc.get("50.0") != null) {
                score = Json.number(pc.get("50.0"));
            }
            Map<String, String> params = new LinkedHashMap<>();
            if (r.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            byClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(new Row(cls, method, params, score,
                    Json.number(metric.get("scoreError")), (String) metric.get("scoreUnit"),
                    alloc instanceof Map<?, ?> a ? Json.number(a.get("score")) : Double.NaN));
        }
        byClass.values().removeIf(List::isEmpty);
        StringBuilder b = new StringBuilder();
        header(b, jmh);
        summary(b, byClass);
        for (var e : byClass.entrySet()) {
            table(b, e.getKey(), e.getValue(), charts, chartPrefix);
        }
        scaling(b, charts);
        notMeasured(b, byClass.keySet());
        howMade(b);
        return b.toString();
    }

    /**
     * The scaling section: issue 15's verdicts from {@code scaling.md} next to the charts (written by
     * {@code bench/scaling}, a separate run), with a link to the whole page; nothing if there is none.
     */
    private static void scaling(StringBuilder b, Path charts) throws IOException {
        Path page = charts.resolve("scaling.md");
        if (!Files.isRegularFile(page)) {
            return;
        }
        String text = Files.readString(page);
        int from = text.indexOf("## Issue 15 targets");
        b.append("\n## Scaling over carriers (issue 15)\n\n");
        b.append("From a separate run of `bench/scaling` (its own header says when, where and under what load): the "
                + "pool's skynet, thread-ring and ping-pong for 1 … N carriers next to ForkJoinPool, Kotlin "
                + "`Dispatchers.Default` and virtual threads, with a chart: [").append(charts.getFileName())
                .append("/scaling.md](").append(charts.getFileName()).append("/scaling.md).\n");
        if (from >= 0) {
            int to = text.indexOf("\n## ", from + 3);
            String verdicts = text.substring(from, to < 0 ? text.length() : to).replaceFirst("## Issue 15 targets\\n", "");
            b.append('\n').append(verdicts.strip()).append('\n');
        }
    }

    private static void header(StringBuilder b, Map<?, ?> jmh) {
        b.append("# jstackless benchmarks\n\n");
        b.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores")
                .append(cpuModel()).append(", ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(" (").append(System.getProperty("os.arch"))
                .append(")\n");
        if (jmh != null) {
            b.append("- JDK: ").append(jmh.get("jdkVersion")).append(", ").append(jmh.get("vmName")).append(' ')
                    .append(jmh.get("vmVersion")).append('\n');
            b.append("- JMH ").append(jmh.get("jmhVersion")).append(": ").append(whole(jmh.get("forks")))
                    .append(" fork(s), warm-up ").append(whole(jmh.get("warmupIterations"))).append(" × ")
                    .append(jmh.get("warmupTime")).append(", measurement ")
                    .append(whole(jmh.get("measurementIterations"))).append(" × ")
                    .append(jmh.get("measurementTime")).append(", gc profiler on\n");
        } else {
            b.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                    .append(System.getProperty("java.runtime.version")).append('\n');
        }
        b.append("- Run: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE)).append('\n');
        String load = System.getProperty("bench.load");
        if (load != null && !load.isBlank()) {
            b.append("- Load average (1, 5, 15 min) before → after the run: ").append(load)
                    .append(" (on these 2 cores the benchmark JVM itself accounts for about 1; more means something else ran)\n");
        }
        String cmd = System.getProperty("bench.command");
        if (cmd != null && !cmd.isBlank()) {
            b.append("- Produced by: `").append(cmd).append("`\n");
        }
        b.append("\nScores are the median of the measurement iterations, lower is better; ± is JMH's 99.9% "
                + "confidence half-width (n/a with one iteration). Each ratio compares a row with a peer measured in "
                + "the same run (at the same parameters): \"N× faster\" means the row takes 1/N of the peer's time "
                + "(\"smaller\" likewise for memory). "
                + "B/op is the heap allocated per operation (JMH's gc profiler). jstackless rows are per switching "
                + "mechanism, forced for the whole run: SOFT (woven code), CONTINUATION (hard: the JDK continuation), "
                + "VIRTUAL_THREAD (the hard fallback).\n");
    }

    private static String whole(Object number) {
        return String.valueOf((long) Json.number(number));
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> ", " + l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    // ---- targets (DESIGN.md §7) ----

    /** A §7 target checked against one row: the text, the measured figure, whether it is met. */
    record Verdict(String target, String measured, boolean met) {
        String cell() {
            return target + ": " + (met ? "**met**" : "**missed**") + " (" + measured + ")";
        }
    }

    private static Row find(List<Row> rows, String method, Map<String, String> params) {
        return rows.stream().filter(r -> r.method().equals(method))
                .filter(r -> params.entrySet().stream().allMatch(e -> e.getValue().equals(r.param(e.getKey()))))
                .findFirst().orElse(null);
    }

    private static Row soft(List<Row> rows) {
        return find(rows, "jstackless", Map.of("mechanism", "SOFT"));
    }

    /** The §7 verdicts of a row, empty when no target applies to it. */
    static List<Verdict> verdicts(Row r, List<Row> rows) {
        List<Verdict> v = new ArrayList<>();
        if (!r.method().equals("jstackless")) {
            return v;
        }
        boolean soft = "SOFT".equals(r.param("mechanism"));
        String u = " " + r.unit().replace("/op", "");
        switch (r.cls()) {
            case "SwitchBench" -> {
                if (soft) {
                    v.add(new Verdict("≤ 20 ns per switch", fmt(r.score()) + u, r.score() <= 20));
                } else if ("CONTINUATION".equals(r.param("mechanism"))) {
                    Row raw = find(rows, "rawContinuation", Map.of());
                    if (raw != null) {
                        double x = r.score() / raw.score();
                        v.add(new Verdict("hard switch ≤ 1.2× raw continuation", times(x), x <= 1.2));
                    }
                }
            }
            case "PingPongBench" -> {
                if (soft) {
                    v.add(new Verdict("≤ 60 ns", fmt(r.score()) + u, r.score() <= 60));
                    Row pt = find(rows, "platformThreads", Map.of());
                    Row vt = find(rows, "virtualThreads", Map.of());
                    if (pt != null) {
                        double x = pt.score() / r.score();
                        v.add(new Verdict("≥ 100× faster than platform threads", times(x), x >= 100));
                    }
                    if (vt != null) {
                        double x = vt.score() / r.score();
                        v.add(new Verdict("≥ 15× faster than virtual threads", times(x), x >= 15));
                    }
                }
            }
            case "DepthBench" -> {
                if ("100".equals(r.param("depth"))) {
                    Row d1 = find(rows, "jstackless", Map.of("mechanism", r.param("mechanism"), "depth", "1"));
                    if (d1 != null) {
                        double x = r.score() / d1.score();
                        v.add(new Verdict("depth 100 ≤ 2× depth 1", times(x), x <= 2));
                    }
                }
            }
            case "ThreadRingBench" -> {
                if (soft) {
                    v.add(new Verdict("≤ 30 ns per hop", fmt(r.score()) + u, r.score() <= 30));
                }
            }
            case "SkynetBench" -> {
                if (soft && "1000000".equals(r.param("size"))) {
                    v.add(new Verdict("≤ 300 ms", fmt(r.score()) + u, r.score() <= 300));
                }
            }
            case "MemoryPerTask" -> {
                if (soft) {
                    v.add(new Verdict("≤ 200 B per parked tasklet", fmt(r.score()) + " B", r.score() <= 200));
                }
            }
            default -> {
            }
        }
        return v;
    }

    /** The §7 target line drawn on a class's chart, 0 for none. */
    private static double chartTarget(String cls) {
        return switch (cls) {
            case "SwitchBench" -> 20;
            case "PingPongBench" -> 60;
            case "ThreadRingBench" -> 30;
            case "SkynetBench" -> 300;
            case "MemoryPerTask" -> 200;
            default -> 0;
        };
    }

    private static void summary(StringBuilder b, Map<String, List<Row>> byClass) {
        b.append("\n## DESIGN.md §7 targets\n\n");
        b.append("| benchmark | target | measured (soft unless said) | verdict |\n|:--|:--|--:|:--|\n");
        for (var e : byClass.entrySet()) {
            for (Row r : e.getValue()) {
                for (Verdict v : verdicts(r, e.getValue())) {
                    b.append("| ").append(QUESTIONS.getOrDefault(e.getKey(), new String[] {e.getKey()})[0])
                            .append(" — ").append(r.label())
                            .append(" | ").append(v.target()).append(" | ").append(v.measured()).append(" | ")
                            .append(v.met() ? "met" : "**missed**").append(" |\n");
                }
            }
        }
        pickleAndTickVerdicts(b, byClass);
    }

    /**
     * The two §7 targets that are not one row against a threshold: the pickle round trip (its size
     * measured here, by pickling the benchmark's tasklet once) and tick counting (woven vs plain kernel).
     */
    private static void pickleAndTickVerdicts(StringBuilder b, Map<String, List<Row>> byClass) {
        List<Row> pickle = byClass.getOrDefault("PickleBench", List.of());
        Row rt = find(pickle, "roundTrip", Map.of("depth", "14"));
        if (rt == null) {
            b.append("| pickle + unpickle of `recurs(14)` | ≤ 50 µs, ≤ 2 KB | — | not measured in this run |\n");
        } else {
            double us = rt.unit().startsWith("us") ? rt.score() : rt.score() / 1000.0;
            int bytes = -1;
            String size;
            try {
                bytes = org.jstackless.bench.PickleBench.pickleSize(14);
                size = bytes + " B";
            } catch (Exception | Error e) {
                size = "size not measured: " + e;
            }
            boolean met = us <= 50 && bytes >= 0 && bytes <= 2048;
            b.append("| pickle + unpickle of `recurs(14)` | ≤ 50 µs, ≤ 2 KB | ").append(String.format("%.1f µs, ", us))
                    .append(size).append(" | ").append(met ? "met" : "**missed**").append(" |\n");
        }
        List<Row> ticks = byClass.getOrDefault("TickBench", List.of());
        double worst = 0;
        String kernel = null;
        for (String k : List.of("sum", "mix", "matmul", "sieve")) {
            Row plain = find(ticks, k + "Plain", Map.of());
            Row woven = find(ticks, k + "Woven", Map.of());
            if (plain != null && woven != null && plain.score() > 0) {
                double ratio = woven.score() / plain.score();
                if (ratio > worst) {
                    worst = ratio;
                    kernel = k;
                }
            }
        }
        if (kernel == null) {
            b.append("| preemption ticks on | ≤ 5% slower on a loop-heavy benchmark | — | not measured in this run |\n");
        } else {
            b.append("| preemption ticks on (woven vs plain, worst kernel: ").append(kernel)
                    .append(") | ≤ 5% slower on a loop-heavy benchmark | ").append(String.format("%.2f×", worst))
                    .append(" | ").append(worst <= 1.05 ? "met" : "**missed**").append(" |\n");
        }
    }

    private static void howMade(StringBuilder b) {
        b.append("\n## How this page is made\n\n"
                + "- `./jstackless bench [smoke|quick|medium|full] [--md FILE] [JMH args]` (the script is `bench/compare`) "
                + "builds the benchmark jar, runs JMH with its gc profiler and the memory measurement, and renders this "
                + "page and its charts with `org.jstackless.bench.report.Report`. Profiles: smoke (CI: 1 × 100 ms, small "
                + "parameters, checks that the suite runs and the page is produced, not the figures), quick (1 fork, "
                + "2 × 1 s warm-up, 3 × 1 s), medium (1 fork, 3 × 1 s, 5 × 1 s), full (2 forks, 4 × 1 s, 6 × 1 s).\n"
                + "- The charts are drawn by the report itself with the JDK's `java.awt` (headless) and written by "
                + "`javax.imageio`: no charting dependency and no tool outside the JDK (no Python, gnuplot or "
                + "browser needed on the CI machine).\n"
                + "- The raw JSON stays in `jstackless-bench/target/` and is not committed.\n"
                + "- Where the time goes in the missed targets (JMH's stack and gc profilers, JFR, PrintInlining), and "
                + "what was changed because of it: [benchmarks/profile.md](benchmarks/profile.md), written by hand.\n"
                + "- Scaling over 1 … N carriers next to ForkJoinPool, Kotlin `Dispatchers.Default` and virtual "
                + "threads, with issue 15's targets: [benchmarks/scaling.md](benchmarks/scaling.md), made by "
                + "`bench/scaling [CARRIERS]` (e.g. `bench/scaling 1,2,4,8,16` on a bigger machine).\n");
    }

    /** What this run did not measure: the §7 targets whose benchmark was not part of it, and Skynet on threads. */
    static void notMeasured(StringBuilder b, java.util.Set<String> measured) {
        b.append("\n## Not measured\n\n");
        if (!measured.contains("PickleBench")) {
            b.append("- Pickle round trip and size (§7: `recurs(14)` ≤ 50 µs, ≤ 2 KB): `PickleBench` was not part of "
                    + "this run.\n");
        }
        if (!measured.contains("TickBench")) {
            b.append("- Preemption overhead (§7: ≤ 5% with ticks on): `TickBench` was not part of this run.\n");
        }
        b.append("- Skynet on platform threads: a million OS threads do not fit the machine.\n");
    }

    // ---- tables ----

    /** The peer row that the row is compared with: same peer method, same values of the peer's parameters. */
    private static Row peerFor(Row r, String peer, List<Row> rows) {
        return rows.stream().filter(p -> p.method().equals(peer))
                .filter(p -> p.params().entrySet().stream().allMatch(e -> e.getValue().equals(r.param(e.getKey()))))
                .findFirst().orElse(null);
    }

    private static void table(StringBuilder b, String cls, List<Row> rows, Path charts, String chartPrefix)
            throws IOException {
        // Platform threads' memory figure is heap only (their stacks are native): no ratio to it.
        List<String> peers = PEERS.keySet().stream().filter(m -> rows.stream().anyMatch(r -> r.method().equals(m)))
                .filter(m -> !(cls.equals("MemoryPerTask") && m.equals("platformThreads")))
                .toList();
        // jstackless rows first (by parameters as JMH ordered them), then the peers; grouped by depth
        // when there is one.
        List<Row> ordered = new ArrayList<>(rows.stream().filter(r -> !r.isPeer()).toList());
        for (String p : peers) {
            ordered.addAll(rows.stream().filter(r -> r.method().equals(p)).toList());
        }
        if (rows.stream().anyMatch(r -> r.param("depth") != null)) {
            List<String> depths = rows.stream().map(r -> r.param("depth")).filter(Objects::nonNull).distinct()
                    .sorted((x, y) -> Integer.compare(Integer.parseInt(x), Integer.parseInt(y))).toList();
            List<Row> byDepth = new ArrayList<>();
            depths.forEach(d -> ordered.stream().filter(r -> d.equals(r.param("depth"))).forEach(byDepth::add));
            ordered.clear();
            ordered.addAll(byDepth);
        }
        String[] q = QUESTIONS.getOrDefault(cls, new String[] {cls, "per operation"});
        boolean bytes = rows.stream().anyMatch(r -> !Double.isNaN(r.bytes()));
        boolean targets = rows.stream().anyMatch(r -> !verdicts(r, rows).isEmpty());
        List<String> head = new ArrayList<>(List.of("implementation", "median " + rows.getFirst().unit(), "±"));
        if (bytes) {
            head.add("B/op");
        }
        peers.forEach(m -> head.add("vs " + PEERS.get(m)));
        if (targets) {
            head.add("§7 target");
        }
        List<List<String>> cells = new ArrayList<>();
        List<Chart.Bar> bars = new ArrayList<>();
        for (Row r : ordered) {
            List<String> line = new ArrayList<>(List.of(r.label(), fmt(r.score()), fmt(r.error())));
            if (bytes) {
                line.add(fmt(r.bytes()));
            }
            for (String m : peers) {
                Row p = peerFor(r, m, rows);
                line.add(p == null ? "n/a" : p == r ? "—" : ratio(r.score(), p.score(), cls.equals("MemoryPerTask")));
            }
            if (targets) {
                line.add(verdicts(r, rows).stream().map(Verdict::cell).collect(Collectors.joining("; ")));
            }
            cells.add(line);
            bars.add(new Chart.Bar(r.label(), r.score(), r.error(), Chart.color(r.method(), r.param("mechanism"))));
        }
        b.append("\n## ").append(q[0]).append(" (").append(cls).append(", ").append(q[1]).append(")\n\n");
        if (NOTES.containsKey(cls)) {
            b.append(NOTES.get(cls)).append("\n\n");
        }
        String png = chartPrefix + "/" + cls + ".png";
        Chart.write(charts.resolve(cls + ".png"), q[0] + " — " + q[1], rows.getFirst().unit(), bars,
                chartTarget(cls));
        int[] width = new int[head.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = head.get(c).length();
            for (List<String> line : cells) {
                width[c] = Math.max(width[c], line.get(c).length());
            }
        }
        line(b, head, width);
        b.append('|');
        for (int c = 0; c < width.length; c++) {
            boolean left = c == 0 || (targets && c == width.length - 1);
            b.append(left ? ":" : "-").append("-".repeat(width[c])).append(left ? "-|" : ":|");
        }
        b.append('\n');
        cells.forEach(l -> line(b, l, width));
        b.append("\n![").append(q[0]).append("](").append(png).append(")\n");
    }

    private static void line(StringBuilder b, List<String> cells, int[] width) {
        b.append('|');
        for (int c = 0; c < width.length; c++) {
            String v = cells.get(c);
            String pad = " ".repeat(width[c] - v.length());
            b.append(' ').append(c == 0 ? v + pad : pad + v).append(" |");
        }
        b.append('\n');
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : "%,.1f", v);
    }

    private static String times(double x) {
        return String.format(Locale.ROOT, x < 10 ? "%.2f×" : "%.0f×", x);
    }

    /** The row's speed relative to the peer, from their times. */
    static String ratio(double row, double peer, boolean size) {
        if (!(row > 0) || !(peer > 0)) {
            return "n/a";
        }
        double f = peer >= row ? peer / row : row / peer;
        String word = size ? (peer >= row ? "smaller" : "larger") : (peer >= row ? "faster" : "slower");
        return String.format(Locale.ROOT, f < 10 ? "%.2f× %s" : "%.0f× %s", f, word);
    }
}
