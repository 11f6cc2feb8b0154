package org.jstackless.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PgStore} on a private PostgreSQL server (skipped only when PostgreSQL is not installed). */
class PgStoreTest {
    static final byte[] KEY = "pg store test key, not a secret".getBytes(StandardCharsets.UTF_8);
    static final AtomicInteger TABLES = new AtomicInteger();
    static PostgresServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static String table() {
        return "t" + TABLES.incrementAndGet();
    }

    static Checkpoint row(String id, long seq, String data) {
        return FileStoreTest.row(id, seq, data);
    }

    static String data(DurableStore s, String id) {
        Checkpoint c = s.row(id);
        return c == null ? null : new String(c.pickle(), StandardCharsets.UTF_8) + "#" + c.seq();
    }

    @Test
    void commitsAreAtomicAndAStaleWriterIsRefused() throws Exception {
        String t = table();
        try (PgStore a = PgStore.open(server.url(), t); PgStore b = PgStore.open(server.url(), t)) {
            a.commit(List.of(row("x", 1, "x1"), row("y", 1, "y1")));
            assertThat(data(b, "x")).isEqualTo("x1#1");
            a.commit(List.of(row("x", 2, "x2 by a")));
            // b last saw x at #1: its commit of x#2 (with y#2) is refused whole.
            assertThatThrownBy(() -> b.commit(List.of(row("y", 2, "y2 by b"), row("x", 2, "x2 by b"))))
                    .isInstanceOf(StaleCheckpointException.class).hasMessageContaining("durable tasklet x");
            assertThatThrownBy(() -> b.commit(List.of(row("x", 1, "x created twice"))))
                    .isInstanceOf(StaleCheckpointException.class);
            assertThat(data(a, "x")).isEqualTo("x2 by a#2");
            assertThat(data(a, "y")).as("nothing of the refused commit").isEqualTo("y1#1");
            b.commit(List.of(row("y", 2, "y2 by b"), new Checkpoint("x", 3, DurableState.PURGED, 0, "", "", new byte[0], 0)));
            assertThat(a.rows()).extracting(Checkpoint::id).containsExactly("y");
        }
        try (PgStore again = PgStore.open(server.url(), t)) {
            assertThat(data(again, "y")).isEqualTo("y2 by b#2");
        }
    }

    @Test
    void aLargeCommitIsAllOrNothingAndNamesItsStaleRow() throws Exception {
        String t = table();
        try (PgStore a = PgStore.open(server.url(), t)) {
            List<Checkpoint> first = new java.util.ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                first.add(row("r" + i, 1, "r" + i + "-1"));
            }
            long t1 = a.commit(first);
            List<Checkpoint> second = new java.util.ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                second.add(i == 1234 ? row("r1234", 3, "skips #2") : row("r" + i, 2, "r" + i + "-2"));
            }
            assertThatThrownBy(() -> a.commit(second)).isInstanceOf(StaleCheckpointException.class)
                    .hasMessageContaining("durable tasklet r1234").hasMessageContaining("#3").hasMessageContaining("nothing");
            assertThat(a.rows()).hasSize(2000).allSatisfy(c -> assertThat(c.seq()).isEqualTo(1));
            second.set(1234, row("r1234", 2, "r1234-2"));
            assertThat(a.commit(second)).isGreaterThan(t1);
            assertThat(data(a, "r1999")).isEqualTo("r1999-2#2");
            assertThatThrownBy(() -> a.commit(List.of(new Checkpoint("never", 2, DurableState.PURGED, 0, "", "", new byte[0], 0))))
                    .isInstanceOf(StaleCheckpointException.class);
            assertThatThrownBy(() -> a.commit(List.of(row("r1", 3, "x"), row("r1", 3, "y"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two rows for r1");
            assertThat(data(a, "r1")).isEqualTo("r1-2#2");
        }
    }

    @Test
    void storesOpenedAtOnceOnOneTableEachCommitTheirOwnRows() throws Exception {
        String t = table();
        int n = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<Long>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "w" + i;
                fs.add(pool.submit(() -> {
                    try (PgStore s = PgStore.open(server.url(), t)) { // the table, sequence and function created once
                        s.commit(List.of(row(id, 1, id + "-1")));
                        return s.commit(List.of(row(id, 2, id + "-2")));
                    }
                }));
            }
            for (var f : fs) {
                assertThat(f.get(2, java.util.concurrent.TimeUnit.MINUTES)).isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
        try (PgStore s = PgStore.open(server.url(), t)) {
            assertThat(s.rows()).extracting(c -> data(s, c.id())).containsExactlyInAnyOrder("w0-2#2", "w1-2#2", "w2-2#2", "w3-2#2");
        }
    }

    @Test
    void durableTaskletsResumeFromPostgresAfterARestart() throws Exception {
        String t = table();
        String key = "pg-" + System.nanoTime();
        try (PgStore s = PgStore.open(server.url(), t);
                DurableRuntime rt = DurableRuntime.builder(s).signingKey(KEY).allow(DurableRuntimeTest.class, PgStoreTest.class).open()) {
            rt.start("r", () -> DurableRuntimeTest.parked(key));
            DurableRuntimeTest.waitFor(rt, "r", DurableState.RECEIVING);
        }
        try (PgStore s = PgStore.open(server.url(), t);
                DurableRuntime rt = DurableRuntime.builder(s).signingKey(KEY).allow(DurableRuntimeTest.class, PgStoreTest.class).open()) {
            rt.start("s", () -> DurableRuntimeTest.sender(key, "from postgres"));
            rt.awaitDone("r", DurableRuntimeTest.WAIT);
            assertThat(rt.<String>result("r")).isEqualTo("got from postgres in r");
        }
        assertThat(DurableRuntimeTest.EFFECTS.get(key + ":before").get()).isEqualTo(1);
        assertThat(DurableRuntimeTest.EFFECTS.get(key + ":after").get()).isEqualTo(1);
    }

    @Test
    void aRowChangedInTheDatabaseIsRefusedOnLoad() throws Exception {
        String t = table();
        String key = "pg-tamper-" + System.nanoTime();
        try (PgStore s = PgStore.open(server.url(), t);
                DurableRuntime rt = DurableRuntime.builder(s).signingKey(KEY).allow(DurableRuntimeTest.class, PgStoreTest.class).open()) {
            rt.start("r", () -> DurableRuntimeTest.parked(key));
            rt.start("q", () -> DurableRuntimeTest.parked(key + "-q"));
            DurableRuntimeTest.waitFor(rt, "r", DurableState.RECEIVING);
            DurableRuntimeTest.waitFor(rt, "q", DurableState.RECEIVING);
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(server.url());
                java.sql.Statement st = c.createStatement()) {
            // Make r runnable behind the runtime's back, and give q r's (genuinely signed) pickle.
            st.executeUpdate("UPDATE " + t + " SET state = " + DurableState.RUNNABLE.ordinal() + " WHERE id = 'r'");
            st.executeUpdate("UPDATE " + t + " SET pickle = (SELECT pickle FROM " + t + " WHERE id = 'r') WHERE id = 'q'");
        }
        try (PgStore s = PgStore.open(server.url(), t);
                DurableRuntime rt = DurableRuntime.builder(s).signingKey(KEY).allow(DurableRuntimeTest.class, PgStoreTest.class).open()) {
            for (String id : List.of("r", "q")) {
                assertThat(rt.info(id).orElseThrow().detail()).contains("changed outside this runtime").contains("refused");
            }
            assertThatThrownBy(() -> rt.describe("r")).hasMessageContaining("refused");
        }
        assertThat(DurableRuntimeTest.EFFECTS.get(key + ":before").get()).as("the tampered row never ran").isEqualTo(1);
        assertThat(DurableRuntimeTest.EFFECTS.get(key + ":after")).isNull();
    }

    @Test
    void ofTwoProcessesBelievingTheyOwnATaskletOnlyOneAdvances() throws Exception {
        String t = table();
        String key = "pg-fence-" + System.nanoTime();
        try (PgStore sa = PgStore.open(server.url(), t); PgStore sb = PgStore.open(server.url(), t);
                DurableRuntime a = DurableRuntime.builder(sa).signingKey(KEY).allow(DurableRuntimeTest.class, PgStoreTest.class).open()) {
            a.start("t", () -> DurableRuntimeTest.parked(key));
            DurableRuntimeTest.waitFor(a, "t", DurableState.RECEIVING);
            try (DurableRuntime b = DurableRuntime.builder(sb).signingKey(KEY).allow(DurableRuntimeTest.class, PgStoreTest.class).open()) {
                a.start("from-a", () -> DurableRuntimeTest.sender(key, "a's value"));
                a.awaitDone("t", DurableRuntimeTest.WAIT);
                long seq = sa.row("t").seq();
                b.start("from-b", () -> DurableRuntimeTest.sender(key, "b's value"));
                long end = System.nanoTime() + DurableRuntimeTest.WAIT.toNanos();
                Throwable refused = null;
                while (refused == null && System.nanoTime() < end) {
                    try {
                        b.list();
                        Thread.sleep(5);
                    } catch (IllegalStateException e) {
                        refused = e;
                    }
                }
                assertThat(refused).as("b stopped").isNotNull();
                assertThat(refused.getCause()).isInstanceOf(StaleCheckpointException.class);
                assertThat(sa.row("t").seq()).isEqualTo(seq);
            }
            assertThat(a.<String>result("t")).isEqualTo("got a's value in t");
        }
    }
}
