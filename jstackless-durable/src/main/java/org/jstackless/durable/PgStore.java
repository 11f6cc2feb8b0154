package org.jstackless.durable;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@link DurableStore} in PostgreSQL (through JDBC; the {@code org.postgresql:postgresql} driver
 * must be on the class path). One table, one row per durable tasklet; each {@link #commit} is one
 * SQL statement, a call of a function the store creates beside its table, so the group commit of a
 * round costs one round trip and one WAL flush, whatever its number of rows. Fencing is a
 * compare-and-set in SQL: a row is updated only {@code WHERE seq = its seq - 1} and inserted only
 * if absent, so of two writers holding the same checkpoint only the first commits; the other's
 * whole statement is rolled back and it gets a {@link StaleCheckpointException}. Several
 * processes may open the same table (unlike {@link FileStore}); fencing keeps a stale one from
 * overwriting the others.
 *
 * <pre>
 *   try (PgStore store = PgStore.open("jdbc:postgresql://127.0.0.1:5432/app?user=app");
 *        DurableRuntime rt = DurableRuntime.builder(store).signingKey(key).allow(MyJobs.class).open()) { ... }
 * </pre>
 *
 * <p>Invariant: {@code conn} is used under {@code this} only, with auto-commit on once opened.
 */
public final class PgStore implements DurableStore {
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,40}");
    private static final DurableState[] STATES = DurableState.values();

    private final Connection conn;
    private final String table;
    /** The commit function's call, prepared once (the driver makes it a server-side prepared statement). */
    private final PreparedStatement commit;
    private long commits;

    /**
     * The commit as a server-side function, so that a commit of any number of rows is ONE round trip
     * and one statement (atomic under auto-commit): the rows come as parallel arrays; inserts,
     * updates and deletes each run as one set-based statement; if any row does not find its
     * predecessor (fencing), the function raises {@link #STALE} and the whole statement rolls back.
     * {0} is the table, {1} the PURGED state's number, {2} the SQLSTATE of a stale row.
     */
    private static final String COMMIT_FUNCTION = """
            CREATE OR REPLACE FUNCTION {0}_commit(p_id text[], p_seq bigint[], p_state smallint[], p_wake bigint[],
                p_channel text[], p_detail text[], p_pickle bytea[]) RETURNS bigint LANGUAGE plpgsql AS $f$
            DECLARE
              t bigint := nextval(''{0}_txn'');
              done bigint := 0;
              k bigint;
              bad text;
              bad_seq bigint;
            BEGIN
              INSERT INTO {0} (id, seq, state, wake_at, channel, detail, pickle, txn)
                SELECT v.id, v.seq, v.state, v.wake_at, v.channel, v.detail, v.pickle, t
                FROM unnest(p_id, p_seq, p_state, p_wake, p_channel, p_detail, p_pickle)
                  AS v(id, seq, state, wake_at, channel, detail, pickle)
                WHERE v.seq = 1 AND v.state <> {1}
                ON CONFLICT (id) DO NOTHING;
              GET DIAGNOSTICS k = ROW_COUNT;
              done := done + k;
              UPDATE {0} AS r SET seq = v.seq, state = v.state, wake_at = v.wake_at, channel = v.channel,
                  detail = v.detail, pickle = v.pickle, txn = t
                FROM unnest(p_id, p_seq, p_state, p_wake, p_channel, p_detail, p_pickle)
                  AS v(id, seq, state, wake_at, channel, detail, pickle)
                WHERE v.seq > 1 AND v.state <> {1} AND r.id = v.id AND r.seq = v.seq - 1;
              GET DIAGNOSTICS k = ROW_COUNT;
              done := done + k;
              DELETE FROM {0} AS r USING unnest(p_id, p_seq, p_state) AS v(id, seq, state)
                WHERE v.state = {1} AND r.id = v.id AND r.seq = v.seq - 1;
              GET DIAGNOSTICS k = ROW_COUNT;
              done := done + k;
              IF done <> cardinality(p_id) THEN
                SELECT v.id, v.seq INTO bad, bad_seq
                  FROM unnest(p_id, p_seq, p_state) WITH ORDINALITY AS v(id, seq, state, o)
                  WHERE CASE WHEN v.state = {1} THEN EXISTS (SELECT 1 FROM {0} r WHERE r.id = v.id)
                             ELSE NOT EXISTS (SELECT 1 FROM {0} r WHERE r.id = v.id AND r.txn = t) END
                  ORDER BY v.o LIMIT 1;
                RAISE EXCEPTION USING ERRCODE = ''{2}'', MESSAGE = ''stale write to durable tasklet '' || coalesce(bad, ''?'')
                  || '': it writes checkpoint #'' || coalesce(bad_seq::text, ''?'') || '' but {0} does not hold #''
                  || coalesce((bad_seq - 1)::text, ''?'') || '' (another writer advanced it); nothing of this commit was written'';
              END IF;
              RETURN t;
            END
            $f$""";
    /** The SQLSTATE the commit function raises when a row is stale. */
    private static final String STALE = "JSL01";

    private PgStore(Connection conn, String table) throws SQLException {
        this.conn = conn;
        this.table = table;
        conn.setAutoCommit(false);
        try (Statement s = conn.createStatement()) {
            // One opener at a time creates or replaces the table's objects (two at once would collide in the catalog).
            s.execute("SELECT pg_advisory_xact_lock(hashtext('jstackless-durable " + table + "'))");
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id text PRIMARY KEY, seq bigint NOT NULL, "
                    + "state smallint NOT NULL, wake_at bigint NOT NULL, channel text NOT NULL, detail text NOT NULL, "
                    + "pickle bytea NOT NULL, txn bigint NOT NULL)");
            s.execute("CREATE SEQUENCE IF NOT EXISTS " + table + "_txn");
            s.execute(MessageFormat.format(COMMIT_FUNCTION, table, String.valueOf(DurableState.PURGED.ordinal()), STALE));
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        }
        conn.commit();
        conn.setAutoCommit(true); // every statement from here on is its own transaction: a commit is one round trip
        commit = conn.prepareStatement("SELECT " + table + "_commit(?, ?, ?, ?, ?, ?, ?)");
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
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long commit(List<Checkpoint> rows) throws IOException {
        if (rows.isEmpty()) {
            return 0;
        }
        int n = rows.size();
        String[] ids = new String[n];
        Long[] seqs = new Long[n];
        Short[] states = new Short[n];
        Long[] wakes = new Long[n];
        String[] channels = new String[n];
        String[] details = new String[n];
        byte[][] pickles = new byte[n][];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Checkpoint c = rows.get(i);
            if (!seen.add(c.id())) {
                throw new IllegalArgumentException("two rows for " + c.id() + " in one commit");
            }
            ids[i] = c.id();
            seqs[i] = c.seq();
            states[i] = (short) c.state().ordinal();
            wakes[i] = c.wakeAt();
            channels[i] = c.channel();
            details[i] = c.detail();
            pickles[i] = c.pickle();
        }
        try {
            commit.setArray(1, conn.createArrayOf("text", ids));
            commit.setArray(2, conn.createArrayOf("int8", seqs));
            commit.setArray(3, conn.createArrayOf("int2", states));
            commit.setArray(4, conn.createArrayOf("int8", wakes));
            commit.setArray(5, conn.createArrayOf("text", channels));
            commit.setArray(6, conn.createArrayOf("text", details));
            commit.setArray(7, conn.createArrayOf("bytea", pickles));
            long txn;
            try (ResultSet rs = commit.executeQuery()) { // one statement under auto-commit: atomic
                rs.next();
                txn = rs.getLong(1);
            }
            commits++;
            return txn;
        } catch (SQLException e) {
            if (STALE.equals(e.getSQLState())) {
                throw new StaleCheckpointException(serverMessage(e));
            }
            throw new IOException("the commit to " + table + " failed (nothing of it was written): " + e.getMessage(), e);
        }
    }

    /** The server's message alone: the driver's first line without its severity. */
    private static String serverMessage(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).replaceFirst("^[A-Z]+: ", "");
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
