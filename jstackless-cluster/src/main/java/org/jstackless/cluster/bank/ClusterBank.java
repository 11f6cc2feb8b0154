package org.jstackless.cluster.bank;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jstackless.cluster.ClusterNode;
import org.jstackless.durable.DurableBody;
import org.jstackless.durable.bank.Bank;
import org.jstackless.durable.bank.BankArgs;
import org.jstackless.durable.bank.Ledger;
import org.jstackless.durable.internal.PrivatePostgres;

/**
 * The Jepsen-style bank on a cluster: the same durable tasklets as the one-node bank (one per
 * account, one per transfer, an auditor; money moves over durable channels), on N node JVMs on
 * loopback forming a Pekko cluster over one private PostgreSQL server. With {@code --kill-every} a
 * nemesis SIGKILLs a random node (the seed picks which and when) and starts it again at once; the
 * others re-home its tasklets from their last checkpoints. Exit status 0 only when the totals match
 * and nothing was lost or duplicated. With {@code --nodes 1} it runs the one-node {@link Bank}.
 *
 * <pre>
 *   ./jstackless example bank --nodes 3 --accounts 10 --transfers 200 --store postgres --kill-every 5 --seed 7
 * </pre>
 *
 * {@code --store file} with several nodes is refused: a directory store has one writer (an OS
 * lock), and nodes on several machines do not share a disk; the cluster's store is PostgreSQL.
 */
public final class ClusterBank {
    static final byte[] KEY = "bank example key, not a secret!".getBytes(StandardCharsets.UTF_8);
    static final Pattern LINE = Pattern.compile(
            "bank: (\\d+) transfers committed, total before (\\d+), total after (-?\\d+), lost (\\d+), duplicated (\\d+)");
    static final String USAGE = "usage: bank --nodes N --accounts A --transfers T [--store file|postgres] "
            + "[--kill-every SECONDS --seed S] [--max-kills K] [--timeout SECONDS]";

    private ClusterBank() {
    }

    /** The bank's parameters. */
    record Options(int nodes, int accounts, int transfers, String store, double killEvery, long seed, int maxKills,
            int timeout) {
        static Options parse(String[] args) {
            BankArgs a = BankArgs.parse(args, Map.of("--nodes", "3", "--accounts", "10", "--transfers", "200",
                    "--store", "postgres", "--kill-every", "0", "--seed", "1", "--max-kills", "5", "--timeout", "600"), USAGE);
            Options o = new Options(a.integer("--nodes"), a.integer("--accounts"), a.integer("--transfers"), a.string("--store"),
                    a.decimal("--kill-every"), a.longInteger("--seed"), a.integer("--max-kills"), a.integer("--timeout"));
            if (o.nodes < 2 || o.nodes > 9) {
                throw new IllegalArgumentException("--nodes " + o.nodes + ": the cluster bank runs 2 to 9 nodes");
            }
            if (o.store.equals("file")) {
                throw new IllegalArgumentException("--store file with --nodes " + o.nodes + ": a directory store has one "
                        + "writer (an OS lock) and is not shared between machines; run the cluster with --store postgres, "
                        + "or one node with --nodes 1 --store file");
            }
            if (!o.store.equals("postgres")) {
                throw new IllegalArgumentException("--store file or --store postgres, not " + o.store);
            }
            if (o.accounts < 2 || o.transfers < 1 || o.killEvery < 0 || o.maxKills < 0 || o.timeout < 1) {
                throw new IllegalArgumentException("need at least 2 accounts, 1 transfer, and no negative numbers");
            }
            return o;
        }
    }

    /** Node {@code index}'s JVM: joins, creates its share of the tasklets (only missing ones), prints the auditor's line. */
    static void node(Options o, int index, int[] ports, String url) throws Exception {
        String[] seeds = Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).toArray(String[]::new);
        try (ClusterNode n = ClusterNode.builder("n" + (index + 1)).port(ports[index]).seeds(seeds).store(url, "bank")
                .signingKey(KEY).allow(Ledger.classes()).allow(ClusterBank.class).exitJvmWhenDowned().start()) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (n.members().size() < o.nodes / 2 + 1 && System.nanoTime() < end) {
                Thread.sleep(50); // a majority, so that the split-brain resolver keeps this side
            }
            Map<String, DurableBody<?>> bodies = new LinkedHashMap<>();
            for (int a = index; a < o.accounts; a += o.nodes) {
                String name = "account-" + a;
                bodies.put(name, () -> Ledger.account(name));
            }
            Random rnd = new Random(o.seed);
            for (int k = 0; k < o.transfers; k++) {
                int from = rnd.nextInt(o.accounts);
                int to = (from + 1 + rnd.nextInt(o.accounts - 1)) % o.accounts;
                int amount = 1 + rnd.nextInt(Ledger.INITIAL / 10);
                int kk = k;
                if (k % o.nodes == index) {
                    bodies.put("transfer-" + k, () -> Ledger.transfer(kk, from, to, amount));
                }
            }
            if (index == 0) {
                int accounts = o.accounts;
                int transfers = o.transfers;
                bodies.put("auditor", () -> Ledger.auditor(accounts, transfers));
            }
            int created = n.startAll(bodies); // only the missing ones: this runs again after every kill
            System.out.println("node n" + (index + 1) + ": running, created " + created);
            n.awaitDone("auditor", Duration.ofSeconds(o.timeout));
            System.out.println("RESULT " + n.<String>result("auditor"));
            Thread.sleep(Long.MAX_VALUE); // the driver stops the nodes
        }
    }

    /** The driver: runs the node JVMs, the nemesis, prints the closing line; the exit status. */
    static int drive(Options o, PrintStream out) throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            int[] ports = new int[o.nodes];
            for (int i = 0; i < o.nodes; i++) {
                try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                    ports[i] = s.getLocalPort();
                }
            }
            Node[] nodes = new Node[o.nodes];
            Random nemesis = new Random(o.seed ^ 0x5DEECE66DL);
            int kills = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeout);
            String line = null;
            try {
                for (int i = 0; i < o.nodes; i++) {
                    nodes[i] = new Node(o, i, ports, pg.url());
                    out.println("node n" + (i + 1) + " started (pid " + nodes[i].p.pid() + ", port " + ports[i] + ")");
                }
                long nextKill = System.nanoTime() + killDelay(o, nemesis);
                while ((line = result(nodes)) == null) {
                    if (System.nanoTime() > deadline) {
                        out.println("bank: no result after " + o.timeout + " s");
                        for (Node n : nodes) {
                            out.println("--- n" + (n.index + 1) + ":\n" + n.tail());
                        }
                        return 1;
                    }
                    for (int i = 0; i < nodes.length; i++) {
                        if (!nodes[i].p.isAlive()) { // downed (say a false suspicion on a loaded machine): a new incarnation
                            out.println("node n" + (i + 1) + " exited (" + nodes[i].p.exitValue() + "), restarting it; its last lines:\n"
                                    + nodes[i].tail());
                            nodes[i] = new Node(o, i, ports, pg.url());
                        }
                    }
                    if (o.killEvery > 0 && kills < o.maxKills && System.nanoTime() > nextKill) {
                        int v = nemesis.nextInt(o.nodes);
                        nodes[v].p.destroyForcibly(); // SIGKILL: no leave, no hand-off, no close
                        nodes[v].p.waitFor();
                        kills++;
                        nodes[v] = new Node(o, v, ports, pg.url());
                        out.println("nemesis: SIGKILLed node n" + (v + 1) + ", restarted it (pid " + nodes[v].p.pid() + ")");
                        nextKill = System.nanoTime() + killDelay(o, nemesis);
                    }
                    Thread.sleep(50);
                }
            } finally {
                for (Node n : nodes) {
                    if (n != null) {
                        n.p.destroyForcibly();
                        n.p.waitFor(30, TimeUnit.SECONDS);
                    }
                }
            }
            out.println(kills + " kills");
            out.println(line);
            Matcher m = LINE.matcher(line);
            return m.matches() && m.group(2).equals(m.group(3)) && m.group(4).equals("0") && m.group(5).equals("0") ? 0 : 1;
        }
    }

    private static long killDelay(Options o, Random r) {
        return (long) (o.killEvery * 1e9 * (0.5 + r.nextDouble()));
    }

    private static String result(Node[] nodes) {
        for (Node n : nodes) {
            synchronized (n.lines) {
                for (String l : n.lines) {
                    if (l.startsWith("RESULT ")) {
                        return l.substring("RESULT ".length());
                    }
                }
            }
        }
        return null;
    }

    /** A node JVM and its output. */
    private static final class Node {
        final int index;
        final Process p;
        final List<String> lines = new ArrayList<>();

        Node(Options o, int index, int[] ports, String url) throws Exception {
            this.index = index;
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xss8m", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "--sun-misc-unsafe-memory-access=allow",
                    "-cp", System.getProperty("java.class.path"), ClusterBank.class.getName(), "--node", "" + index,
                    "--ports", IntStream.of(ports).mapToObj(String::valueOf).collect(Collectors.joining(",")), "--url", url,
                    "--nodes", "" + o.nodes, "--accounts", "" + o.accounts, "--transfers", "" + o.transfers,
                    "--seed", "" + o.seed, "--timeout", "" + o.timeout));
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread.ofPlatform().daemon(true).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null;) {
                        synchronized (lines) {
                            lines.add(l);
                            if (lines.size() > 2000) {
                                lines.remove(0);
                            }
                        }
                    }
                } catch (java.io.IOException e) {
                    // killed
                }
            });
        }

        String tail() {
            synchronized (lines) {
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        int nodesAt = a.indexOf("--nodes");
        if (!a.contains("--node") && nodesAt >= 0 && nodesAt + 1 < a.size() && a.get(nodesAt + 1).equals("1")) {
            Bank.main(args); // one node: the durable module's bank (file or postgres)
            return;
        }
        int index = -1;
        int[] ports = null;
        String url = null;
        int i = a.indexOf("--node");
        if (i >= 0) {
            index = Integer.parseInt(a.get(i + 1));
            ports = Arrays.stream(a.get(a.indexOf("--ports") + 1).split(",")).mapToInt(Integer::parseInt).toArray();
            url = a.get(a.indexOf("--url") + 1);
            for (String k : List.of("--node", "--ports", "--url")) {
                int at = a.indexOf(k);
                a.remove(at + 1);
                a.remove(at);
            }
        }
        Options o;
        try {
            o = Options.parse(a.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println("bank: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (index >= 0) {
            node(o, index, ports, url);
        } else {
            System.exit(drive(o, System.out));
        }
    }
}
