package org.jstackless.durable.tool;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jstackless.durable.DurableChannelInfo;
import org.jstackless.durable.DurableInfo;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableState;
import org.jstackless.durable.PgStore;

/**
 * Operations on a durable store from the command line ({@code ./jstackless durable ...}):
 *
 * <pre>
 *   durable [STORE] list [--state S] [--version V]  id, state, sequence number, code version, channel or wake-up time, detail
 *   durable [STORE] show ID          its last checkpoint: the row, then its frames and values (the pickle inspector)
 *   durable [STORE] cancel ID        raise TaskletExit in it when it next runs: its finally blocks run, it ends FAILED "cancelled"
 *   durable [STORE] kill ID          end it FAILED "killed", running nothing of it
 *   durable [STORE] suspend ID       a runnable one runs nothing (across restarts) until resumed
 *   durable [STORE] resume ID        resume a suspended one from its last checkpoint
 *   durable [STORE] purge ID         delete a finished or failed one
 *   durable [STORE] purge-finished   delete every finished or failed one
 *   durable [STORE] close CHANNEL    close a durable channel (Stackless's close: blocking on it is refused)
 *   durable [STORE] open CHANNEL     open it again
 *   durable [STORE] channel CHANNEL  closing, balance, closed
 *
 *   STORE:  DIR (the old form: durable list DIR, durable show DIR ID, ...)
 *        |  --store file DIR
 *        |  --store postgres JDBC_URL --key-file FILE [--table T]   (a cluster's table; default jsl_durable)
 * </pre>
 *
 * The tool opens the store for operations only ({@link DurableRuntime.Builder#operationsOnly}): it
 * resumes nothing and needs none of the program's classes. A file store's program must be stopped
 * (its lock refuses a second opener, saying so). A PostgreSQL table may be in use by a cluster: every
 * write is a compare-and-set on the row's sequence number, so a node running the tasklet is refused
 * at its next commit and reloads the row (a cancel is then raised there).
 */
public final class DurableTool {
    private static final List<String> WITH_ARG = List.of("show", "cancel", "kill", "suspend", "resume", "purge", "close", "open",
            "channel");
    private static final String USAGE = "usage: durable [DIR | --store file DIR | --store postgres JDBC_URL --key-file FILE "
            + "[--table T]] list [--state S] [--version V] | show ID | cancel ID | kill ID | suspend ID | resume ID | purge ID "
            + "| purge-finished | close CHANNEL | open CHANNEL | channel CHANNEL";

    private DurableTool() {
    }

    /** A parsed command line. */
    private record Cmd(String kind, String where, String keyFile, String table, String op, List<String> rest) {
    }

    /** Runs one command; the exit status (0 done, 1 refused, 2 bad usage). */
    public static int run(List<String> args, PrintStream out) throws Exception {
        Cmd c = parse(args);
        if (c == null) {
            out.println(USAGE);
            return 2;
        }
        PgStore pg = null;
        DurableRuntime.Builder b;
        if (c.kind.equals("file")) {
            Path dir = Path.of(c.where);
            if (!Files.exists(dir.resolve("signing.key"))) {
                out.println("durable: no durable store in " + dir + " (no signing.key there)");
                return 1;
            }
            b = DurableRuntime.builder(dir);
        } else {
            if (c.keyFile == null) {
                out.println("durable: --store postgres needs --key-file FILE (the nodes' signing key)");
                return 2;
            }
            byte[] key;
            try {
                key = Files.readAllBytes(Path.of(c.keyFile));
            } catch (java.io.IOException e) {
                out.println("durable: cannot read the signing key " + c.keyFile + ": " + e);
                return 1;
            }
            try {
                pg = PgStore.open(c.where, c.table);
            } catch (java.io.IOException | RuntimeException e) {
                out.println("durable: cannot open table " + c.table + " at " + c.where + ": " + e.getMessage());
                return 1;
            }
            b = DurableRuntime.builder(pg).signingKey(key);
        }
        try (DurableRuntime rt = b.operationsOnly().open()) {
            int rc = op(rt, c, out);
            if (pg != null && rc == 0 && List.of("cancel", "kill", "suspend", "resume").contains(c.op)) {
                tellCluster(c, out);
            }
            return rc;
        } catch (IllegalStateException | IllegalArgumentException e) {
            out.println("durable: " + e.getMessage());
            return 1;
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** Whether {@code args} is a command line this tool accepts (docs/durable.md's commands are checked with it). */
    public static boolean parses(List<String> args) {
        Cmd c = parse(args);
        return c != null && (c.kind.equals("file") || c.keyFile != null);
    }

    private static Cmd parse(List<String> args) {
        List<String> a = new ArrayList<>(args);
        String kind = "file";
        String where;
        String keyFile = null;
        String table = "jsl_durable";
        String op;
        if (!a.isEmpty() && a.get(0).equals("--store")) {
            if (a.size() < 4 || !List.of("file", "postgres").contains(a.get(1))) {
                return null;
            }
            kind = a.get(1);
            where = a.get(2);
            a = a.subList(3, a.size());
            while (a.size() >= 2 && a.get(0).startsWith("--")) {
                switch (a.get(0)) {
                    case "--key-file" -> keyFile = a.get(1);
                    case "--table" -> table = a.get(1);
                    default -> {
                        return null;
                    }
                }
                a = a.subList(2, a.size());
            }
            if (a.isEmpty()) {
                return null;
            }
            op = a.get(0);
            a = a.subList(1, a.size());
        } else { // the old form: OP DIR [ARG]
            if (a.size() < 2) {
                return null;
            }
            op = a.get(0);
            where = a.get(1);
            a = a.subList(2, a.size());
        }
        boolean ok = switch (op) {
            case "list" -> a.size() % 2 == 0 && a.stream().filter(x -> x.startsWith("--"))
                    .allMatch(x -> x.equals("--state") || x.equals("--version"));
            case "purge-finished" -> a.isEmpty();
            default -> WITH_ARG.contains(op) && a.size() == 1;
        };
        return ok ? new Cmd(kind, where, keyFile, table, op, List.copyOf(a)) : null;
    }

    private static int op(DurableRuntime rt, Cmd c, PrintStream out) {
        String arg = c.rest.isEmpty() ? null : c.rest.get(0);
        switch (c.op) {
            case "list" -> {
                Map<String, String> opt = new java.util.HashMap<>();
                for (int i = 0; i < c.rest.size(); i += 2) {
                    opt.put(c.rest.get(i), c.rest.get(i + 1));
                }
                DurableState want = null;
                if (opt.containsKey("--state")) {
                    try {
                        want = DurableState.valueOf(opt.get("--state").toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        out.println("durable: no state " + opt.get("--state") + " (states: " + List.of(DurableState.values()) + ")");
                        return 2;
                    }
                }
                for (DurableInfo i : rt.list()) {
                    if (want != null && i.state() != want) {
                        continue;
                    }
                    String v = versionOf(rt, i.id());
                    if (opt.containsKey("--version") && !opt.get("--version").equals(v)) {
                        continue;
                    }
                    out.println(i.id() + "\t" + i.state() + "\t#" + i.seq()
                            + (v.isEmpty() ? "" : "\tv" + v)
                            + (i.channel().isEmpty() ? "" : "\ton " + i.channel())
                            + (i.wakeAt() == null ? "" : "\tuntil " + i.wakeAt())
                            + (i.detail().isEmpty() ? "" : "\t" + i.detail()));
                }
            }
            case "show" -> out.println(rt.describe(arg));
            case "cancel" -> out.println(rt.cancel(arg) ? "cancelling " + arg + " (raised when it next runs)" : "not live: " + arg);
            case "kill" -> out.println(rt.kill(arg) ? "killed " + arg : "not live: " + arg);
            case "suspend" -> out.println(rt.suspend(arg) ? "suspended " + arg : "not runnable: " + arg);
            case "resume" -> out.println(rt.resume(arg) ? "resumed " + arg : "not suspended: " + arg);
            case "purge" -> out.println(rt.purge(arg) ? "purged " + arg : "not done: " + arg);
            case "purge-finished" -> out.println("purged " + rt.purgeFinished());
            case "close" -> out.println(rt.closeChannel(arg) ? "closed " + arg : "closing already: " + arg);
            case "open" -> out.println(rt.openChannel(arg) ? "opened " + arg : "not closing: " + arg);
            default -> {
                DurableChannelInfo ci = rt.channelInfo(arg);
                out.println(arg + "\t" + (ci.closed() ? "closed" : ci.closing() ? "closing" : "open") + "\tbalance " + ci.balance());
            }
        }
        return 0;
    }

    /**
     * A cluster running on the table learns of a row changed from outside through {@code TABLE_ops}
     * (jstackless-cluster's Directory): its leader's next sweep tells the tasklet's owner to reload it.
     */
    private static void tellCluster(Cmd c, PrintStream out) {
        try (java.sql.Connection conn = java.sql.DriverManager.getConnection(c.where);
                java.sql.Statement s = conn.createStatement();
                java.sql.PreparedStatement ps = conn.prepareStatement("INSERT INTO " + c.table + "_ops (id) VALUES (?)")) {
            s.execute("CREATE TABLE IF NOT EXISTS " + c.table + "_ops (id text NOT NULL)");
            ps.setString(1, c.rest.get(0));
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            out.println("durable: done, but a cluster on " + c.table + " was not told (" + e.getMessage() + "): its node "
                    + "reloads the tasklet at its next commit, or after its next sweep of stalled rows");
        }
    }

    /** The code version of a row, or "" (a killed row has no frames; a row the inspector refuses is listed without). */
    private static String versionOf(DurableRuntime rt, String id) {
        try {
            return rt.version(id);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The command line's entry point. */
    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args), System.out));
    }
}
