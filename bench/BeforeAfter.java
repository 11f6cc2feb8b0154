import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary of bench/before-after: reads the JMH CSVs ({@code old-R.csv}, {@code new-R.csv}) and the
 * MemoryPerTask outputs of every round and prints one row per benchmark and parameter set: the
 * median of each side's round scores, the error JMH gave for that side's median round, new/old, and
 * the allocation per operation of each side (gc.alloc.rate.norm).
 */
public class BeforeAfter {
    record Row(double score, double error, String unit) {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Map<String, Map<String, List<Row>>> rows = new LinkedHashMap<>(); // key -> side -> rows
        for (String side : List.of("old", "new")) {
            for (int r = 1; r <= rounds; r++) {
                Path csv = dir.resolve(side + "-" + r + ".csv");
                if (Files.exists(csv)) {
                    read(csv, side, rows);
                }
                Path mem = dir.resolve(side + "-" + r + ".mem");
                if (Files.exists(mem)) {
                    Matcher m = Pattern.compile("(?m)^(.+?)\\s+([0-9.]+) ± +([0-9.]+) B/task").matcher(Files.readString(mem));
                    while (m.find()) {
                        rows.computeIfAbsent("MemoryPerTask " + m.group(1), k -> new LinkedHashMap<>())
                                .computeIfAbsent(side, k -> new ArrayList<>())
                                .add(new Row(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), "B/task"));
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n| benchmark | old | new | new/old | alloc old → new (B/op) |%n|---|---|---|---|---|%n");
        for (var e : rows.entrySet()) {
            if (e.getKey().contains(":gc.")) {
                continue;
            }
            Row o = median(e.getValue().get("old"));
            Row n = median(e.getValue().get("new"));
            if (o == null || n == null) {
                continue;
            }
            var gc = rows.get(e.getKey().replaceFirst("^(\\S+)", "$1:gc.alloc.rate.norm"));
            String alloc = gc == null ? "" : String.format(Locale.ROOT, "%.1f → %.1f",
                    median(gc.get("old")).score, median(gc.get("new")).score);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %s |%n", e.getKey(), fmt(o), fmt(n), n.score / o.score, alloc);
        }
    }

    static String fmt(Row r) {
        return String.format(Locale.ROOT, "%.4g ± %.2g %s", r.score, r.error, r.unit);
    }

    static Row median(List<Row> rs) {
        if (rs == null || rs.isEmpty()) {
            return null;
        }
        List<Row> sorted = new ArrayList<>(rs);
        sorted.sort((a, b) -> Double.compare(a.score, b.score));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** JMH CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit",params... */
    static void read(Path csv, String side, Map<String, Map<String, List<Row>>> rows) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> head = split(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = split(line);
            StringBuilder key = new StringBuilder(f.get(0).replace("org.jstackless.bench.", ""));
            for (int i = 7; i < f.size(); i++) {
                if (!f.get(i).isEmpty()) {
                    key.append(' ').append(head.get(i).replace("Param: ", "")).append('=').append(f.get(i));
                }
            }
            double err = f.get(5).isEmpty() || f.get(5).equals("NaN") ? Double.NaN : Double.parseDouble(f.get(5));
            rows.computeIfAbsent(key.toString(), k -> new LinkedHashMap<>()).computeIfAbsent(side, k -> new ArrayList<>())
                    .add(new Row(Double.parseDouble(f.get(4)), err, f.get(6)));
        }
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|([^,]+)|(?<=,)(?=,|$)").matcher(line);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : "");
        }
        return out;
    }
}
