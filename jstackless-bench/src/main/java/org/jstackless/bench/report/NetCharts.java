package org.jstackless.bench.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The charts of bench/net, drawn from the same run as its tables: the script writes one line per
 * figure to a data file and this class draws, with {@link Chart}, {@code net-requests.png}
 * (requests/s per carriers × connections × server, linear: higher is better), {@code net-p99.png}
 * (p99 latency, log: lower is better), {@code net-cpu.png} (the server's CPU time per request,
 * when the data has it), {@code net-echo.png} (the JMH echo round trip with its
 * error) and {@code net-memory.png} (heap per idle connection, with the 4 KB target of issue 14).
 *
 * <p>Usage: {@code NetCharts DATA OUTDIR}. DATA lines, fields separated by {@code |}:
 * {@code wrk|CARRIERS|CONNECTIONS|SERVER|REQS_PER_S|P50_MS|P99_MS[|CPU_MICROS_PER_REQUEST]},
 * {@code echo|BENCHMARK|MICROS|ERROR_MICROS}, {@code mem|SERVER|CONNECTIONS|BYTES_PER_CONNECTION}.
 * Prints the Markdown image lines to put under the tables.
 */
public final class NetCharts {
    private static final Color JSTACKLESS = new Color(0x0D47A1);
    private static final Color VIRTUAL_THREADS = new Color(0xEF6C00);
    private static final Color NETTY = new Color(0x2E7D32);
    /** Issue 14's target for heap per idle connection. */
    private static final double MEMORY_TARGET = 4096;

    private NetCharts() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: NetCharts DATA OUTDIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        List<Chart.Bar> rps = new ArrayList<>();
        List<Chart.Bar> p99 = new ArrayList<>();
        List<Chart.Bar> cpu = new ArrayList<>();
        List<Chart.Bar> echo = new ArrayList<>();
        List<Chart.Bar> mem = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.split("\\|", -1);
            switch (f[0]) {
                case "wrk" -> {
                    String label = f[1] + (f[1].equals("1") ? " carrier, " : " carriers, ") + f[2] + " conns: " + f[3];
                    rps.add(new Chart.Bar(label, num(f[4]), 0, color(f[3])));
                    p99.add(new Chart.Bar(label, num(f[6]), 0, color(f[3])));
                    if (f.length > 7 && !f[7].isEmpty()) {
                        cpu.add(new Chart.Bar(label, num(f[7]), 0, color(f[3])));
                    }
                }
                case "echo" -> echo.add(new Chart.Bar(echoLabel(f[1]), num(f[2]), num(f[3]), color(f[1])));
                case "mem" -> mem.add(new Chart.Bar(f[1] + ", " + f[2] + " idle connections", num(f[3]), 0, color(f[1])));
                default -> {
                    // blank or unknown lines: ignored
                }
            }
        }
        List<String> md = new ArrayList<>();
        if (!rps.isEmpty()) {
            Chart.write(dir.resolve("net-requests.png"), "HTTP requests/s under wrk (GET /hello)",
                    "requests per second, linear scale, higher is better", rps, 0, false);
            md.add("![requests per second](net-requests.png)");
            Chart.write(dir.resolve("net-p99.png"), "HTTP p99 latency under wrk (GET /hello)",
                    "milliseconds, log scale, lower is better", p99, 0, true);
            md.add("![p99 latency](net-p99.png)");
        }
        if (!cpu.isEmpty()) {
            Chart.write(dir.resolve("net-cpu.png"), "Server CPU time per HTTP request under wrk (GET /hello)",
                    "microseconds of CPU (all server threads) per request, linear scale, lower is better", cpu, 0, false);
            md.add("![CPU per request](net-cpu.png)");
        }
        if (!echo.isEmpty()) {
            Chart.write(dir.resolve("net-echo.png"), "Echo round trip, 64 B on one loopback connection (JMH)",
                    "microseconds per round trip, log scale, lower is better; whisker: JMH 99.9% error", echo, 0, true);
            md.add("![echo round trip](net-echo.png)");
        }
        if (!mem.isEmpty()) {
            Chart.write(dir.resolve("net-memory.png"), "Heap held per idle keep-alive connection",
                    "bytes per connection, log scale, lower is better; dashed: issue 14's target (4 KB)", mem,
                    MEMORY_TARGET, true);
            md.add("![heap per idle connection](net-memory.png)");
        }
        md.forEach(System.out::println);
    }

    private static Color color(String server) {
        String s = server.toLowerCase(Locale.ROOT);
        if (s.contains("virtual")) {
            return VIRTUAL_THREADS;
        }
        if (s.contains("netty")) {
            return NETTY;
        }
        if (s.contains("blocking")) {
            return new Color(0x64B5F6); // jstackless through Stackless.blocking
        }
        return JSTACKLESS;
    }

    private static String echoLabel(String bench) {
        return switch (bench.substring(bench.lastIndexOf('.') + 1)) {
            case "echoTaskletSocket" -> "jstackless, TaskletSocket";
            case "echoBlockingCalls" -> "jstackless, Stackless.blocking(read/write)";
            case "echoVirtualThread" -> "virtual thread, blocking streams";
            default -> bench;
        };
    }

    private static double num(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
