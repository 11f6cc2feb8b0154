package org.jstackless.cluster.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.DurableState;

/**
 * Reads the durable table's metadata (never pickles) for placement and channels: who is
 * unfinished, who waits on a channel and in which order. Its own connection, auto-commit, used
 * under {@code this}.
 */
public final class Directory implements AutoCloseable {
    private static final DurableState[] STATES = DurableState.values();
    /** The suffix of the table of ids changed through the store from outside the cluster (see DurableTool). */
    public static final String OPS_SUFFIX = "_ops";
    private final Connection conn;
    private final String table;
    /** {@link #partnerRow}'s statement, prepared on first use (under {@code this}). */
    private PreparedStatement partnerRow;

    /** Node {@code node} cannot run tasklet {@code id}: its code does not match the checkpoint ({@code reason}). */
    public record Refusal(String id, String node, String reason) {
    }

    /** One row's metadata. */
    public record Row(String id, long seq, DurableState state, String channel, long wakeAt, String detail, long txn) {
    }

    /** Opens the directory of {@code table} (which a PgStore created). */
    public Directory(String jdbcUrl, String table) throws IOException {
        this.table = table;
        try {
            conn = DriverManager.getConnection(jdbcUrl);
            conn.setAutoCommit(true);
            try (Statement s = conn.createStatement()) {
                // Channel owners look up waiters by channel; placement sweeps look up unfinished rows.
                s.execute("CREATE INDEX IF NOT EXISTS " + table + "_waiting ON " + table + " (channel, txn) WHERE channel <> ''");
                // Version pinning: which node could not load which tasklet, and why.
                s.execute("CREATE TABLE IF NOT EXISTS " + table + "_refused (id text NOT NULL, node text NOT NULL, "
                        + "reason text NOT NULL, PRIMARY KEY (id, node))");
                // Operations done through the store by a process outside the cluster (DurableTool): the ids the
                // leader's sweep must tell their owners about (OPS_SUFFIX; the tool writes it).
                s.execute("CREATE TABLE IF NOT EXISTS " + table + OPS_SUFFIX + " (id text NOT NULL)");
            }
        } catch (SQLException e) {
            throw new IOException("cannot open the cluster's directory on " + table + ": " + e.getMessage(), e);
        }
    }

    /** The rows blocked on {@code channel}, in the order they blocked. */
    public synchronized List<Row> waiters(String channel) {
        return query("WHERE channel = ? AND state IN (" + DurableState.SENDING.ordinal() + ", " + DurableState.RECEIVING.ordinal()
                + ") ORDER BY txn, id", channel);
    }

    /**
     * The oldest row blocked on {@code channel} that a tasklet arriving there as {@code arriving}
     * (SENDING or RECEIVING) may take at once, with its pickle: the oldest of the other kind, if no
     * row of the arriving kind waits there (those go first); null otherwise. One query (the meet's
     * critical path), prepared once.
     */
    public synchronized Checkpoint partnerRow(String channel, DurableState arriving) {
        DurableState want = arriving == DurableState.SENDING ? DurableState.RECEIVING : DurableState.SENDING;
        try {
            if (partnerRow == null) {
                partnerRow = conn.prepareStatement("SELECT id, seq, state, wake_at, channel, detail, pickle, txn FROM " + table
                        + " WHERE channel = ? AND state = ? AND NOT EXISTS (SELECT 1 FROM " + table
                        + " x WHERE x.channel = ? AND x.state = ?) ORDER BY txn, id LIMIT 1");
            }
            partnerRow.setString(1, channel);
            partnerRow.setInt(2, want.ordinal());
            partnerRow.setString(3, channel);
            partnerRow.setInt(4, arriving.ordinal());
            try (ResultSet rs = partnerRow.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Checkpoint(rs.getString(1), rs.getLong(2), want, rs.getLong(4), rs.getString(5), rs.getString(6),
                        rs.getBytes(7), rs.getLong(8));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + table + ": " + e.getMessage(), e);
        }
    }

    /** Every unfinished row. */
    public synchronized List<Row> unfinished() {
        return query("WHERE state NOT IN (" + DurableState.FINISHED.ordinal() + ", " + DurableState.FAILED.ordinal() + ") ORDER BY id",
                null);
    }

    /** The RUNNABLE rows' ids and commit numbers (the sweep re-tells owners of those that stopped advancing). */
    public synchronized List<Row> runnable() {
        return query("WHERE state = " + DurableState.RUNNABLE.ordinal(), null);
    }

    /** The SLEEPING rows whose wake-up time is before {@code millis} (overdue: nobody holds their timer). */
    public synchronized List<Row> overdue(long millis) {
        return query("WHERE state = " + DurableState.SLEEPING.ordinal() + " AND wake_at < " + millis, null);
    }

    /** The channels where both a sender and a receiver are blocked (a rendezvous to make). */
    public synchronized List<String> pairable() {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT channel FROM " + table + " WHERE channel <> '' AND state IN ("
                + DurableState.SENDING.ordinal() + ", " + DurableState.RECEIVING.ordinal() + ") GROUP BY channel "
                + "HAVING min(state) <> max(state)"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + table + ": " + e.getMessage(), e);
        }
    }

    /** Takes the ids that operations from outside the cluster changed (each once). */
    public synchronized List<String> takeOps() {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + table + OPS_SUFFIX + " RETURNING id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + table + OPS_SUFFIX + ": " + e.getMessage(), e);
        }
    }

    /** Every row, by id. */
    public synchronized List<Row> all() {
        return query("ORDER BY id", null);
    }

    /** The row of {@code id}, or null. */
    public synchronized Row row(String id) {
        List<Row> r = query("WHERE id = ?", id);
        return r.isEmpty() ? null : r.get(0);
    }

    /** Records that {@code node} cannot run {@code id}. */
    public synchronized void refuse(String id, String node, String reason) {
        update("INSERT INTO " + table + "_refused (id, node, reason) VALUES (?, ?, ?) ON CONFLICT (id, node) DO UPDATE "
                + "SET reason = EXCLUDED.reason", id, node, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
    }

    /** Forgets what {@code node} refused (it starts again, maybe with other code). */
    public synchronized void forgetRefusals(String node) {
        update("DELETE FROM " + table + "_refused WHERE node = ?", node);
    }

    /** Every refusal of an unfinished tasklet. */
    public synchronized List<Refusal> refusals() {
        try (PreparedStatement ps = conn.prepareStatement("SELECT r.id, r.node, r.reason FROM " + table + "_refused r JOIN "
                + table + " t ON t.id = r.id WHERE t.state NOT IN (" + DurableState.FINISHED.ordinal() + ", "
                + DurableState.FAILED.ordinal() + ") ORDER BY r.id, r.node"); ResultSet rs = ps.executeQuery()) {
            List<Refusal> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Refusal(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + table + "_refused: " + e.getMessage(), e);
        }
    }

    private void update(String sql, String... args) {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write " + table + "_refused: " + e.getMessage(), e);
        }
    }

    private List<Row> query(String where, String arg) {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT id, seq, state, channel, wake_at, detail, txn FROM " + table + " " + where)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (org.jstackless.durable.internal.ChannelMarks.isMark(rs.getString(1))) {
                        continue; // a closing channel's row, not a tasklet
                    }
                    int st = rs.getInt(3);
                    out.add(new Row(rs.getString(1), rs.getLong(2), st >= 0 && st < STATES.length ? STATES[st] : DurableState.FAILED,
                            rs.getString(4), rs.getLong(5), rs.getString(6), rs.getLong(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // closing: nothing to keep
        }
    }
}
