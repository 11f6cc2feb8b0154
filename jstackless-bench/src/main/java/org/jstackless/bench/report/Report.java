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
import java.util.stream.Collectors;

/**
 * Reads a JMH JSON result file and prints one table per benchmark class: each implementation's
 * score and error, and how it compares with the peers measured in the same run (raw JDK
 * continuation, virtual threads, platform threads), under a header naming the machine, the JDK and
 * the JMH settings. The same Markdown is written to the output file.
 *
 * <p>Conventions a benchmark class follows to join the report: its peer methods are named
 * {@code rawContinuation}, {@code virtualThreads} and {@code platformThreads} (any subset); every
 * other method, once per parameter combination, is a row compared with each peer present; and
 * {@link #OPERATION} says what one operation of the class is.
 *
 * <p>Usage: {@code Report RESULT.json [OUTPUT.md]}; the output defaults to {@code docs/benchmarks.md}.
 */
public final class Report {
    /** Benchmark method names of the peers, in column order, with their column titles. */
    private static final Map<String, String> PEERS = new LinkedHashMap<>();
    /** What one operation is, per benchmark class. */
    private static final Map<String, String> OPERATION = Map.of(
            "SwitchBench", "per switch",
            "PingPongBench", "per round trip");

    static {
        PEERS.put("rawContinuation", "raw continuation");
        PEERS.put("virtualThreads", "virtual threads");
        PEERS.put("platformThreads", "platform threads");
    }

    private Report() {
    }

    /**
     * One benchmark result: {@code method} is the benchmark method, {@code label} adds its
     * parameters; {@code bytes} is the allocation per operation from JMH's gc profiler, NaN without it.
     */
    record Row(String method, String label, double score, double error, String unit, double bytes) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Report RESULT.json [OUTPUT.md]   (default output: docs/benchmarks.md)");
            System.exit(2);
        }
        Path out = Path.of(args.length == 2 ? args[1] : "docs/benchmarks.md");
        List<?> results = (List<?>) Json.parse(Files.readString(Path.of(args[0])));
        if (results.isEmpty()) {
            System.err.println("Report: " + args[0] + " holds no results");
            System.exit(1);
        }
        String markdown = render(results);
        System.out.print(markdown);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, markdown);
        System.out.println();
        System.out.println("(written to " + out + ")");
    }

    static String render(List<?> results) {
        Map<String, List<Row>> byClass = new LinkedHashMap<>();
        for (Object o : results) {
            Map<?, ?> r = (Map<?, ?>) o;
            String name = (String) r.get("benchmark");
            int dot = name.lastIndexOf('.');
            String cls = name.substring(name.lastIndexOf('.', dot - 1) + 1, dot);
            String method = name.substring(dot + 1);
            Map<?, ?> metric = (Map<?, ?>) r.get("primaryMetric");
            Object alloc = r.get("secondaryMetrics") instanceof Map<?, ?> m ? m.get("gc.alloc.rate.norm") : null;
            byClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(new Row(method, label(method, r.get("params")),
                    Json.number(metric.get("score")), Json.number(metric.get("scoreError")),
                    (String) metric.get("scoreUnit"),
                    alloc instanceof Map<?, ?> a ? Json.number(a.get("score")) : Double.NaN));
        }
        StringBuilder b = new StringBuilder();
        header(b, (Map<?, ?>) results.getFirst());
        byClass.forEach((cls, rows) -> table(b, cls, rows));
        return b.toString();
    }

    private static String label(String method, Object params) {
        if (!(params instanceof Map<?, ?> p) || p.isEmpty()) {
            return method;
        }
        return method + " (" + p.values().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
    }

    private static void header(StringBuilder b, Map<?, ?> first) {
        b.append("# jstackless benchmarks\n\n");
        b.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores")
                .append(cpuModel()).append(", ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(" (").append(System.getProperty("os.arch"))
                .append(")\n");
        b.append("- JDK: ").append(first.get("jdkVersion")).append(", ").append(first.get("vmName")).append(' ')
                .append(first.get("vmVersion")).append('\n');
        b.append("- JMH ").append(first.get("jmhVersion")).append(": ").append(whole(first.get("forks")))
                .append(" fork(s), warm-up ").append(whole(first.get("warmupIterations"))).append(" × ")
                .append(first.get("warmupTime")).append(", measurement ")
                .append(whole(first.get("measurementIterations"))).append(" × ").append(first.get("measurementTime"))
                .append('\n');
        b.append("- Run: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE)).append('\n');
        b.append("\nScores are average time per operation, lower is better; ± is JMH's 99.9% confidence half-width. "
                + "Each ratio compares a row with a peer measured in the same run: \"N× faster\" means the row "
                + "takes 1/N of the peer's time. B/op, when shown, is the heap allocated per operation (JMH's gc "
                + "profiler).\n");
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

    private static void table(StringBuilder b, String cls, List<Row> rows) {
        Map<String, Row> peers = new LinkedHashMap<>();
        PEERS.keySet().forEach(m -> rows.stream().filter(r -> r.method().equals(m)).findFirst()
                .ifPresent(r -> peers.put(m, r)));
        List<Row> ordered = new ArrayList<>(rows.stream().filter(r -> !PEERS.containsKey(r.method())).toList());
        ordered.addAll(peers.values());

        boolean bytes = rows.stream().anyMatch(r -> !Double.isNaN(r.bytes()));
        List<String> head = new ArrayList<>(List.of("implementation", rows.getFirst().unit(), "±"));
        if (bytes) {
            head.add("B/op");
        }
        peers.keySet().forEach(m -> head.add("vs " + PEERS.get(m)));
        List<List<String>> cells = new ArrayList<>();
        for (Row r : ordered) {
            List<String> line = new ArrayList<>(List.of(r.label(), fmt(r.score()), fmt(r.error())));
            if (bytes) {
                line.add(fmt(r.bytes()));
            }
            peers.values().forEach(p -> line.add(p == r ? "—" : ratio(r.score(), p.score())));
            cells.add(line);
        }
        b.append("\n## ").append(cls).append(" (").append(OPERATION.getOrDefault(cls, "per operation"))
                .append(")\n\n");
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
            b.append(c == 0 ? ":" : "-").append("-".repeat(width[c])).append(c == 0 ? "-|" : ":|");
        }
        b.append('\n');
        cells.forEach(l -> line(b, l, width));
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

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.1f", v);
    }

    /** The row's speed relative to the peer, from their times. */
    static String ratio(double row, double peer) {
        if (!(row > 0) || !(peer > 0)) {
            return "n/a";
        }
        double f = peer >= row ? peer / row : row / peer;
        return String.format(Locale.ROOT, f < 10 ? "%.2f× %s" : "%.1f× %s", f, peer >= row ? "faster" : "slower");
    }
}
