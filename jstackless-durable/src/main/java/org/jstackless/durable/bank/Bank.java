package org.jstackless.durable.bank;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jstackless.durable.DurableBody;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableStore;
import org.jstackless.durable.PgStore;
import org.jstackless.durable.internal.PrivatePostgres;

/**
 * A Jepsen-style bank on durable tasklets: one per account, one per transfer, an auditor; money
 * moves over durable channels. The node is a separate JVM; with {@code --kill-every} a nemesis
 * SIGKILLs it at random moments (the seed picks when) and restarts it, until the auditor's line
 * comes out. Exit status 0 only when the totals match and nothing was lost or duplicated.
 *
 * <pre>
 *   ./jstackless example bank --nodes 1 --accounts 10 --transfers 500 [--store file|postgres]
 *                             [--kill-every SECONDS --seed S] [--max-kills K]
 * </pre>
 *
 * Only one node for now: several nodes need the cluster layer of issue 17, not built yet.
 */
public final class Bank {
    static final byte[] KEY = "bank example key, not a secret!".getBytes(StandardCharsets.UTF_8);
    static final Pattern LINE = Pattern.compile(
            "bank: (\\d+) transfers committed, total before (\\d+), total after (-?\\d+), lost (\\d+), duplicated (\\d+)");

    static final String USAGE = "usage: bank --nodes N --accounts A --transfers T [--store file|postgres] "
            + "[--kill-every SECONDS --seed S] [--max-kills K]";

    private Bank() {
    }

    /** The bank's parameters. */
    record Options(int nodes, int accounts, int transfers, String store, double killEvery, long seed, int maxKills,
            String where) {
        static Options parse(String[] args) {
            BankArgs a = BankArgs.parse(args, Map.of("--nodes", "1", "--accounts", "10", "--transfers", "200",
                    "--store", "file", "--kill-every", "0", "--seed", "1", "--max-kills", "20", "--where", ""), USAGE);
            Options o = new Options(a.integer("--nodes"), a.integer("--accounts"), a.integer("--transfers"), a.string("--store"),
                    a.decimal("--kill-every"), a.longInteger("--seed"), a.integer("--max-kills"), a.string("--where"));
            if (o.nodes != 1) {
                throw new IllegalArgumentException("--nodes " + o.nodes + ": this is the one-node bank; several nodes run on the "
                        + "cluster layer (jstackless-cluster's ClusterBank, which ./jstackless example bank runs for --nodes > 1)");
            }
            if (o.accounts < 2 || o.transfers < 1 || o.killEvery < 0 || o.maxKills < 0) {
                throw new IllegalArgumentException("need at least 2 accounts, 1 transfer, and no negative numbers");
            }
            if (!o.store.equals("file") && !o.store.equals("postgres")) {
                throw new IllegalArgumentException("--store file or --store postgres, not " + o.store);
            }
            return o;
        }

        List<String> args(String where) {
            return List.of("--nodes", "1", "--accounts", "" + accounts, "--transfers", "" + transfers, "--store", store,
                    "--seed", "" + seed, "--where", where);
        }
    }

    /** The node: opens the store, starts what is missing, prints the auditor's line. */
    static void node(Options o) throws Exception {
        DurableStore pg = o.store.equals("postgres") ? PgStore.open(o.where, "bank") : null;
        DurableRuntime.Builder b = pg != null ? DurableRuntime.builder(pg).signingKey(KEY)
                : DurableRuntime.builder(Path.of(o.where));
        try (DurableRuntime rt = b.allow(Ledger.classes()).allow(Bank.class).open()) {
            Map<String, DurableBody<?>> bodies = new LinkedHashMap<>();
            for (int a = 0; a < o.accounts; a++) {
                String name = Ledger.account(a);
                bodies.put(name, () -> Ledger.account(name));
            }
            Random rnd = new Random(o.seed);
            for (int k = 0; k < o.transfers; k++) {
                int from = rnd.nextInt(o.accounts);
                int to = (from + 1 + rnd.nextInt(o.accounts - 1)) % o.accounts;
                int amount = 1 + rnd.nextInt(Ledger.INITIAL / 10);
                int kk = k;
                bodies.put("transfer-" + k, () -> Ledger.transfer(kk, from, to, amount));
            }
            int accounts = o.accounts;
            int transfers = o.transfers;
            bodies.put("auditor", () -> Ledger.auditor(accounts, transfers));
            rt.startAll(bodies); // only the missing ones start: this runs again after every kill
            System.out.println("node: running");
            rt.awaitDone("auditor", Duration.ofHours(1));
            System.out.println("RESULT " + rt.<String>result("auditor"));
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** The driver: runs the node JVM, kills and restarts it, prints the closing line; the exit status. */
    static int drive(Options o, PrintStream out) throws Exception {
        PrivatePostgres server = o.store.equals("postgres") ? PrivatePostgres.start() : null;
        Path dir = server == null ? Files.createTempDirectory("bank-") : null;
        String where = server != null ? server.url() : dir.toString();
        Random nemesis = new Random(o.seed ^ 0x5DEECE66DL);
        int kills = 0;
        String line = null;
        try {
            while (line == null) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xss8m", "-cp",
                        System.getProperty("java.class.path"), Bank.class.getName(), "--node"));
                cmd.addAll(o.args(where));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                List<String> lines = new ArrayList<>();
                Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String l; (l = r.readLine()) != null;) {
                            synchronized (lines) {
                                lines.add(l);
                            }
                        }
                    } catch (java.io.IOException e) {
                        // killed
                    }
                });
                boolean kill = o.killEvery > 0 && kills < o.maxKills;
                long after = kill ? (long) (o.killEvery * 1000 * (0.5 + nemesis.nextDouble())) : 0;
                out.println("node 1 started (pid " + p.pid() + ")" + (kill ? ", nemesis kills it in " + after + " ms" : ""));
                if (kill && !p.waitFor(after, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                    kills++;
                    out.println("nemesis: SIGKILLed node 1 (pid " + p.pid() + "), restarting it");
                    continue;
                }
                p.waitFor();
                reader.join(10_000);
                synchronized (lines) {
                    for (String l : lines) {
                        if (l.startsWith("RESULT ")) {
                            line = l.substring("RESULT ".length());
                        }
                    }
                    if (line == null) {
                        out.println("node 1 exited with " + p.exitValue() + " and no result: " + String.join("\n", lines));
                        return 1;
                    }
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (dir != null) {
                try (var s = Files.walk(dir)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
        out.println(kills + " kills");
        out.println(line);
        Matcher m = LINE.matcher(line);
        boolean ok = m.matches() && m.group(2).equals(m.group(3)) && m.group(4).equals("0") && m.group(5).equals("0");
        return ok ? 0 : 1;
    }

    public static void main(String[] args) throws Exception {
        boolean node = args.length > 0 && args[0].equals("--node");
        Options o;
        try {
            o = Options.parse(node ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
        } catch (IllegalArgumentException e) {
            System.err.println("bank: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (node) {
            node(o);
        } else {
            System.exit(drive(o, System.out));
        }
    }
}
