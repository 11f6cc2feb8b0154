package org.jstackless.durable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jstackless.Suspendable;

/**
 * Checkpoints per second of the file store with group commit: {@code tasklets} durable tasklets
 * each call {@link Durable#checkpoint()} {@code each} times; every round commits all of them with
 * one write and one fsync. Not a test: run it by hand.
 *
 * <pre>  CheckpointBench [TASKLETS [EACH [fsync|nofsync|postgres]]]</pre>
 *
 * {@code postgres} runs the same on a {@link PgStore} in a private PostgreSQL server (one SQL
 * transaction per round).
 */
public final class CheckpointBench {
    private CheckpointBench() {
    }

    static int loop(int n) throws Suspendable {
        int i = 0;
        while (i < n) {
            i++;
            Durable.checkpoint();
        }
        return i;
    }

    public static void main(String[] args) throws Exception {
        int tasklets = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int each = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        boolean fsync = args.length <= 2 || !args[2].equals("nofsync");
        boolean postgres = args.length > 2 && args[2].equals("postgres");
        org.jstackless.durable.internal.PrivatePostgres pg = postgres ? org.jstackless.durable.internal.PrivatePostgres.start() : null;
        int reps = Integer.getInteger("reps", 3);
        for (int rep = 0; rep < reps; rep++) {
            Path dir = Files.createTempDirectory("ckpt-bench");
            PgStore store = postgres ? PgStore.open(pg.url(), "bench" + rep) : null;
            DurableRuntime.Builder b = postgres
                    ? DurableRuntime.builder(store).signingKey("checkpoint bench key, no secret".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    : DurableRuntime.builder(dir).fsync(fsync);
            try (DurableRuntime rt = b.allow(CheckpointBench.class).open()) {
                java.util.Map<String, DurableBody<Integer>> bodies = new java.util.LinkedHashMap<>();
                for (int t = 0; t < tasklets; t++) {
                    bodies.put("t" + t, () -> loop(each));
                }
                long t1 = System.nanoTime();
                rt.startAll(bodies); // one commit; they all run from the next round on
                for (int t = 0; t < tasklets; t++) {
                    rt.awaitDone("t" + t, Duration.ofMinutes(10));
                }
                long t2 = System.nanoTime();
                long[] c = postgres ? new long[] {store.commits(), store.commits(), (long) tasklets * (each + 2)}
                        : ((FileStore) rt.store()).counters();
                double secs = (t2 - t1) / 1e9;
                System.out.printf("run %d: %d tasklets x %d checkpoints, fsync %s: %.0f rows/s committed (%d rows: starts, "
                        + "checkpoints, finishes; %d commits, %d fsyncs, %.0f rows per commit, %.2f ms per commit)%n", rep,
                        tasklets, each, postgres ? "postgres" : fsync, c[2] / secs, c[2], c[0], c[1], (double) c[2] / c[0], secs * 1000 / c[0]);
            } finally {
                if (store != null) {
                    store.close();
                }
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        if (pg != null) {
            pg.close();
        }
    }
}
