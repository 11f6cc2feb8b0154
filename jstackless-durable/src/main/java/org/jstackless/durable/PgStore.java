package org.jstackless.durable;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link DurableStore} in PostgreSQL (through JDBC; the {@code org.postgresql:postgresql} driver
 * must be on the class path). One table, one row per durable tasklet; each {@link #commit} is one
 * SQL transaction, so the group commit of a round costs one WAL flush. Fencing is a
 * compare-and-set in SQL: a row is updated only {@code WHERE seq = its seq - 1} and inserted only
 * if absent, so of two writers holding the same checkpoint only the first commits; the other's
 * whole transaction is rolled back and it gets a {@link StaleCheckpointException}. Several
 * processes may open the same table (unlike {@link FileStore}); fencing keeps a stale one from
 * overwriting the others.
 *
 * <pre>
 *   try (PgStore store = PgStore.open("jdbc:postgresql://127.0.0.1:5432/app?user=app");
 *        DurableRuntime rt = DurableRuntime.builder(store).signingKey(key).allow(MyJobs.class).open()) { ... }
 * </pre>
 *
 * <p>Invariant: {@code conn} is used under {@code this} only, with auto-commit off.
 */
public final class PgStore implements DurableStore {
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,40}");
    private static final DurableState[] STATES = DurableState.values();

    private final Connection conn;
    private final String table;
    private final String insert;
    private final String update;
    private final String delete;
    private final String nextTxn;
    private long commits;

    private PgStore(Connection conn, String table) throws SQLException {
        this.conn = conn;
        this.table = table;
        conn.setAutoCommit(false);
        try (Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id text PRIMARY KEY, seq bigint NOT NULL, "
                    + "state smallint NOT NULL, wake_at bigint NOT NULL, channel text NOT NULL, detail text NOT NULL, "
                    + "pickle bytea NOT NULL, txn bigint NOT NULL)");
            s.execute("CREATE SEQUENCE IF NOT EXISTS " + table + "_txn");
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        }
        conn.commit();
        insert = "INSERT INTO " + table + " (id, seq, state, wake_at, channel, detail, pickle, txn) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
        update = "UPDATE " + table + " SET seq = ?, state = ?, wake_at = ?, channel = ?, detail = ?, pickle = ?, txn = ? "
                + "WHERE id = ? AND seq = ?";
        delete = "DELETE FROM " + table + " WHERE id = ? AND seq = ?";
        nextTxn = "SELECT nextval('" + table + "_txn')";
    }

    /** Opens the store in table {@code jsl_durable} of the database at {@code jdbcUrl} (created if missing). */
    public static PgStore open(String jdbcUrl) throws IOException {
        return open(jdbcUrl, "jsl_durable");
    }

    /** Opens the store in {@code table} (lower-case letters, digits, underscores) at {@code jdbcUrl}. */
    public static PgStore open(String jdbcUrl, String table) throws IOException {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("a table name of lower-case letters, digits and underscores: '" + table + "'");
        }
        Connection c = null;
        try {
            c = DriverManager.getConnection(jdbcUrl);
            return new PgStore(c, table);
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the open failure is the news
                }
            }
            throw new IOException("cannot open the PostgreSQL durable store at " + jdbcUrl.replaceAll("password=[^&]*", "password=…")
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Collection<Checkpoint> rows() {
        return query("SELECT id, seq, state, wake_at, channel, detail, pickle, txn FROM " + table + " ORDER BY txn, id", null);
    }

    @Override
    public synchronized Checkpoint row(String id) {
        List<Checkpoint> r = query("SELECT id, seq, state, wake_at, channel, detail, pickle, txn FROM " + table
                + " WHERE id = ?", id);
        return r.isEmpty() ? null : r.get(0);
    }

    private List<Checkpoint> query(String sql, String id) {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            if (id != null) {
                ps.setString(1, id);
            }
            List<Checkpoint> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int st = rs.getInt(3);
                    if (st < 0 || st >= STATES.length) {
                        throw new IllegalStateException("row " + rs.getString(1) + " of " + table + " has an unknown state " + st);
                    }
                    out.add(new Checkpoint(rs.getString(1), rs.getLong(2), STATES[st], rs.getLong(4), rs.getString(5),
                            rs.getString(6), rs.getBytes(7), rs.getLong(8)));
                }
            }
            conn.commit();
            return out;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IllegalStateException("cannot read " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long commit(List<Checkpoint> rows) throws IOException {
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            long txn;
            try (PreparedStatement ps = conn.prepareStatement(nextTxn); ResultSet rs = ps.executeQuery()) {
                rs.next();
                txn = rs.getLong(1);
            }
            List<Checkpoint> ins = new ArrayList<>();
            List<Checkpoint> upd = new ArrayList<>();
            List<Checkpoint> del = new ArrayList<>();
            for (Checkpoint c : rows) {
                (c.state() == DurableState.PURGED ? del : c.seq() == 1 ? ins : upd).add(c);
            }
            try (PreparedStatement ps = conn.prepareStatement(insert)) {
                for (Checkpoint c : ins) {
                    ps.setString(1, c.id());
                    ps.setLong(2, c.seq());
                    ps.setInt(3, c.state().ordinal());
                    ps.setLong(4, c.wakeAt());
                    ps.setString(5, c.channel());
                    ps.setString(6, c.detail());
                    ps.setBytes(7, c.pickle());
                    ps.setLong(8, txn);
                    ps.addBatch();
                }
                check(ins, ins.isEmpty() ? new int[0] : ps.executeBatch());
            }
            try (PreparedStatement ps = conn.prepareStatement(update)) {
                for (Checkpoint c : upd) {
                    ps.setLong(1, c.seq());
                    ps.setInt(2, c.state().ordinal());
                    ps.setLong(3, c.wakeAt());
                    ps.setString(4, c.channel());
                    ps.setString(5, c.detail());
                    ps.setBytes(6, c.pickle());
                    ps.setLong(7, txn);
                    ps.setString(8, c.id());
                    ps.setLong(9, c.seq() - 1);
                    ps.addBatch();
                }
                check(upd, upd.isEmpty() ? new int[0] : ps.executeBatch());
            }
            try (PreparedStatement ps = conn.prepareStatement(delete)) {
                for (Checkpoint c : del) {
                    ps.setString(1, c.id());
                    ps.setLong(2, c.seq() - 1);
                    ps.addBatch();
                }
                check(del, del.isEmpty() ? new int[0] : ps.executeBatch());
            }
            conn.commit();
            commits++;
            return txn;
        } catch (StaleCheckpointException e) {
            rollbackQuietly();
            throw e;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IOException("the commit to " + table + " failed (rolled back): " + e.getMessage(), e);
        }
    }

    /** Each statement must have touched exactly its row; else another writer got there first. */
    private void check(List<Checkpoint> rows, int[] counts) {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == Statement.SUCCESS_NO_INFO) {
                throw new IllegalStateException("the JDBC driver did not report row counts, so fencing cannot be checked: "
                        + "remove reWriteBatchedInserts from the JDBC URL");
            }
            if (counts[i] != 1) {
                Checkpoint c = rows.get(i);
                throw new StaleCheckpointException("stale write to durable tasklet " + c.id() + ": it writes checkpoint #"
                        + c.seq() + " but " + table + " does not hold #" + (c.seq() - 1) + " (another writer advanced it); "
                        + "nothing of this commit was written");
            }
        }
    }

    private void rollbackQuietly() {
        try {
            conn.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the transaction with it
        }
    }

    /** Commits made since opened. */
    public synchronized long commits() {
        return commits;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            conn.close();
        } catch (SQLException e) {
            throw new IOException("closing " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "PgStore[" + table + "]";
    }
}
