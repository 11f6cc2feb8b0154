package org.jstackless.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM running {@link CrashWorkload} at random moments, again and again, then lets
 * it finish: every durable tasklet completes exactly once and every message arrives exactly once,
 * in order. Bounded: a fixed number of kills, each child living at most about a second.
 */
class CrashRecoveryTest {
    static final int WORKERS = 6;
    static final int MESSAGES = 200;
    /** Small, so that segments are compacted while the child is being killed. */
    static final long COMPACT_AT = 64 << 10;
    static final int KILLS = 10;

    @TempDir
    Path dir;

    @Test
    void killedAtRandomMomentsEveryTaskletCompletesOnceAndEveryMessageArrivesOnce() throws Exception {
        crashes(dir.toString(), KILLS);
        try (FileStore s = FileStore.open(dir)) {
            assertThat(s.rows()).hasSize(WORKERS + 1).allMatch(r -> r.state() == DurableState.FINISHED);
            assertThat(s.segmentFile().getFileName().toString()).as("compacted on the way").isNotEqualTo("log-1.jsl");
        }
    }

    @Test
    void theSameOnPostgres() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            crashes(pg.url(), KILLS / 2);
            try (PgStore s = PgStore.open(pg.url(), "crash")) {
                assertThat(s.rows()).hasSize(WORKERS + 1).allMatch(r -> r.state() == DurableState.FINISHED);
            }
        }
    }

    private void crashes(String where, int kills) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random rnd = new Random(seed);
        List<String> log = new ArrayList<>();
        int killed = 0;
        String result = null;
        for (int run = 0; run <= kills + 1 && result == null; run++) {
            boolean kill = run < kills;
            long t0 = System.nanoTime();
            Child c = new Child(where);
            if (kill) {
                if (rnd.nextInt(4) == 0) {
                    Thread.sleep(rnd.nextInt(1000)); // maybe while it starts and recovers
                } else {
                    assertThat(c.ready.await(60, TimeUnit.SECONDS)).as("child started (seed %d)", seed).isTrue();
                    Thread.sleep(rnd.nextInt(600));
                }
                if (c.p.isAlive()) {
                    c.p.destroyForcibly(); // SIGKILL: no shutdown hook, no close
                    killed++;
                }
            }
            assertThat(c.p.waitFor(120, TimeUnit.SECONDS)).as("child ended (seed %d)", seed).isTrue();
            c.reader.join(10_000);
            log.add("run " + run + (kill ? " killed" : "") + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms: exit "
                    + c.p.exitValue() + ", " + c.lines.size() + " lines");
            if (!kill) {
                assertThat(c.p.exitValue()).as("last run exits cleanly (seed %d): %s", seed, c.lines).isZero();
            }
            synchronized (c.lines) {
                result = c.lines.stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
            }
        }
        System.out.println("CrashRecoveryTest seed " + seed + ": " + String.join("; ", log));
        assertThat(killed).as("kills landed (seed %d): %s", seed, log).isGreaterThan(0);
        assertThat(result).as("seed %d: %s", seed, log)
                .isEqualTo("RESULT received " + WORKERS * (MESSAGES + 1) + ", anomalies []; workers finished " + WORKERS
                        + ", not finished []");
    }

    /** A child JVM running the workload; its stdout lines are collected. */
    static final class Child {
        final Process p;
        final List<String> lines = new ArrayList<>();
        final CountDownLatch ready = new CountDownLatch(1);
        final Thread reader;

        Child(String where) throws Exception {
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xss8m", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), CrashWorkload.class.getName(), where,
                    String.valueOf(WORKERS), String.valueOf(MESSAGES), String.valueOf(COMPACT_AT));
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            reader = Thread.ofPlatform().daemon(true).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null;) {
                        synchronized (lines) {
                            lines.add(l);
                        }
                        if (l.equals("READY")) {
                            ready.countDown();
                        }
                    }
                } catch (java.io.IOException e) {
                    // the child was killed
                }
            });
        }
    }
}
