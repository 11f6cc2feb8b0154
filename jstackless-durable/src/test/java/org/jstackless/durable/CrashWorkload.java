package org.jstackless.durable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.Suspendable;

/**
 * The program {@link CrashRecoveryTest} runs in a child JVM and SIGKILLs: {@code workers} durable
 * tasklets each send {@code messages} numbered messages, then a "done" message, to one collector
 * over a durable channel, sleeping (durable timers) and checkpointing on the way. The collector
 * checks that every worker's messages arrive once each and in order, and returns a summary.
 * Every launch starts the same ids (idempotent) and resumes what the store holds.
 *
 * <pre>  CrashWorkload DIR|JDBC_URL WORKERS MESSAGES COMPACT_AT_BYTES</pre>
 */
public final class CrashWorkload {
    private CrashWorkload() {
    }

    static String worker(int w, int messages) throws Suspendable {
        DurableChannel<String> inbox = Durable.channel("inbox");
        for (int i = 0; i < messages; i++) {
            inbox.send("w" + w + ":" + i);
            if (i % 10 == 0) {
                // 20 durable sleeps of 150 ms: the work takes at least 3 s of wall time, so the
                // test's kills (each within about a second of a child's start) land while work is
                // left; with 3 ms sleeps a quiet machine finished it before the first kill landed.
                Durable.sleep(Duration.ofMillis(150));
            } else if (i % 7 == 0) {
                Durable.checkpoint();
            }
        }
        inbox.send("w" + w + ":done");
        return "worker " + w + " done";
    }

    static String collector(int workers, int messages) throws Suspendable {
        DurableChannel<String> inbox = Durable.channel("inbox");
        HashMap<String, Integer> next = new HashMap<>();
        ArrayList<String> anomalies = new ArrayList<>();
        int received = 0;
        int done = 0;
        while (done < workers) {
            String m = inbox.receive();
            received++;
            String[] p = m.split(":");
            int expect = next.getOrDefault(p[0], 0);
            if (p[1].equals("done")) {
                if (expect != messages) {
                    anomalies.add(p[0] + " done after " + expect + " messages");
                }
                next.put(p[0], -1);
                done++;
            } else if (Integer.parseInt(p[1]) != expect) {
                anomalies.add(m + " while expecting " + p[0] + ":" + expect);
                next.put(p[0], Integer.parseInt(p[1]) + 1);
            } else {
                next.put(p[0], expect + 1);
            }
        }
        return "received " + received + ", anomalies " + anomalies;
    }

    /** Opens the store, starts the tasklets (no-op for those that exist), prints the collector's result. */
    public static void main(String[] args) throws Exception {
        int workers = Integer.parseInt(args[1]);
        int messages = Integer.parseInt(args[2]);
        long compactAt = Long.parseLong(args[3]);
        DurableStore pg = args[0].startsWith("jdbc:") ? PgStore.open(args[0], "crash") : null;
        DurableRuntime.Builder b = pg != null
                ? DurableRuntime.builder(pg).signingKey("crash workload key, not a secret".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                : DurableRuntime.builder(Path.of(args[0])).compactAt(compactAt);
        try (DurableRuntime rt = b.allow(CrashWorkload.class).open()) {
            System.out.println("READY");
            System.out.flush();
            rt.start("collector", () -> collector(workers, messages));
            for (int w = 0; w < workers; w++) {
                int ww = w;
                rt.start("worker-" + w, () -> worker(ww, messages));
            }
            rt.awaitDone("collector", Duration.ofMinutes(5));
            List<String> notDone = new ArrayList<>();
            Map<String, String> results = new HashMap<>();
            for (DurableInfo i : rt.list()) {
                if (i.id().startsWith("worker-")) {
                    DurableInfo d = rt.awaitDone(i.id(), Duration.ofMinutes(1));
                    if (d.state() != DurableState.FINISHED) {
                        notDone.add(i.id() + " " + d);
                    } else {
                        results.put(i.id(), rt.result(i.id()));
                    }
                }
            }
            System.out.println("RESULT " + rt.result("collector") + "; workers finished " + results.size()
                    + ", not finished " + notDone);
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }
}
