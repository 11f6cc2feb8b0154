package org.jstackless.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import kotlinx.coroutines.CoroutineStart;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;

/**
 * Question: how much heap does a task take while it is parked on a channel receive — per
 * jstackless mechanism, next to the raw JDK continuation, virtual threads, platform threads and
 * Kotlin coroutines? (Target: ≤ 200 bytes per tasklet, soft; virtual threads ≈ 900 B.)
 *
 * <p>How (not JMH: this is a size, not a time): for each implementation, {@code N} tasks are
 * created and left blocked on a receive from one shared rendezvous channel (a jstackless
 * {@code Channel}, a {@code SynchronousQueue}, a Kotlin {@code Channel}; the raw continuation is
 * yielded instead, it has no channel). The heap in use is read after three {@code System.gc()}
 * before and after, and the difference divided by {@code N} is the figure: bytes per parked task,
 * including the task's share of the channel's wait queue. Each implementation is measured
 * {@value #ROUNDS} times after a warm-up round; the score is the median, the error half the range.
 * Platform threads use {@code N / 50} threads, and their figure is heap only: each also has a
 * native stack outside the heap (1 MB reserved by default), which this does not see.
 *
 * <p>Usage: {@code MemoryPerTask [N] [RESULT.json]}; writes JMH-shaped JSON that {@code Report}
 * merges with JMH's.
 */
public final class MemoryPerTask {
    static final int ROUNDS = 5;
    private static final ContinuationScope SCOPE = new ContinuationScope("memory");
    static volatile Object sink;

    private MemoryPerTask() {
    }

    /** An implementation: parks {@code n} tasks, calls {@code measure}, then releases them. */
    @FunctionalInterface
    interface Parker {
        void park(int n, Runnable measure) throws Exception;
    }

    static long used() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void jstackless(int n, Runnable measure) throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            for (int i = 0; i < n; i++) {
                Tasklet.spawn(() -> sink = ch.receive());
            }
            Stackless.run(); // every tasklet runs to its receive() and blocks
            if (ch.balance() != -n) {
                throw new IllegalStateException("expected " + n + " blocked receivers, channel balance " + ch.balance());
            }
            measure.run();
            for (int i = 0; i < n; i++) {
                ch.send(Boolean.TRUE);
            }
            Stackless.run();
        });
    }

    static void rawContinuation(int n, Runnable measure) {
        Continuation[] cs = new Continuation[n];
        for (int i = 0; i < n; i++) {
            cs[i] = new Continuation(SCOPE, () -> Continuation.yield(SCOPE));
            cs[i].run();
        }
        measure.run();
        for (Continuation c : cs) {
            c.run();
        }
    }

    static void threads(Thread.Builder builder, int n, Runnable measure) throws InterruptedException {
        SynchronousQueue<Object> q = new SynchronousQueue<>();
        CountDownLatch started = new CountDownLatch(n);
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            ts[i] = builder.start(() -> {
                started.countDown();
                try {
                    sink = q.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        started.await();
        for (Thread t : ts) { // wait until each is parked in take()
            while (t.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
        }
        measure.run();
        for (int i = 0; i < n; i++) {
            q.put(Boolean.TRUE);
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    /** {@code sink = ch.receive()} as kotlinc compiles it. */
    static final class KotlinReceiver extends Kt.Frame {
        private final kotlinx.coroutines.channels.Channel<Object> ch;

        KotlinReceiver(kotlin.coroutines.Continuation<?> c, kotlinx.coroutines.channels.Channel<Object> ch) {
            super(c);
            this.ch = ch;
        }

        @Override
        Object step(Object r) {
            if (label == 0) {
                label = 1;
                r = ch.receive(this);
                if (r == Kt.SUSPENDED) {
                    return r;
                }
            }
            sink = r;
            return kotlin.Unit.INSTANCE;
        }
    }

    static void kotlin(int n, Runnable measure) {
        kotlinx.coroutines.channels.Channel<Object> ch = Kt.rendezvous();
        Kt.runBlocking(scope -> {
            for (int i = 0; i < n; i++) { // UNDISPATCHED: runs now, up to its receive()
                Kt.launch(scope, CoroutineStart.UNDISPATCHED, c -> new KotlinReceiver(c, ch));
            }
            measure.run();
            ch.cancel(null); // the receivers end (cancelled), runBlocking returns
        });
    }

    /** Bytes per parked task over the rounds: [median, half range]. */
    static double[] measure(String name, int n, Parker p) throws Exception {
        p.park(Math.max(1, n / 10), () -> { }); // warm-up: load and compile what parking needs
        double[] per = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long before = used();
            long[] after = new long[1];
            p.park(n, () -> after[0] = used());
            per[r] = (double) (after[0] - before) / n;
        }
        double[] sorted = per.clone();
        Arrays.sort(sorted);
        double median = sorted[ROUNDS / 2];
        double err = (sorted[ROUNDS - 1] - sorted[0]) / 2;
        System.out.printf(Locale.ROOT, "%-32s %10.1f ± %6.1f B/task  (rounds: %s)%n", name, median, err,
                Arrays.toString(per));
        return new double[] {median, err};
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path out = args.length > 1 ? Path.of(args[1]) : null;
        List<String> json = new ArrayList<>();
        for (Mechanism m : List.of(Mechanism.SOFT, Mechanism.CONTINUATION, Mechanism.VIRTUAL_THREAD)) {
            Switching.force(m);
            try {
                double[] v = measure("jstackless (" + m + ")", n, MemoryPerTask::jstackless);
                json.add(result("jstackless", "{\"mechanism\": \"" + m + "\"}", v, n));
            } finally {
                Switching.force(null);
            }
        }
        json.add(result("rawContinuation", null, measure("rawContinuation", n, MemoryPerTask::rawContinuation), n));
        json.add(result("virtualThreads", null,
                measure("virtualThreads", n, (k, m) -> threads(Thread.ofVirtual(), k, m)), n));
        int platform = Math.max(1, n / 50);
        json.add(result("platformThreads", null,
                measure("platformThreads (" + platform + ")", platform,
                        (k, m) -> threads(Thread.ofPlatform().daemon(), k, m)), platform));
        json.add(result("kotlin", null, measure("kotlin", n, MemoryPerTask::kotlin), n));
        if (out != null) {
            Files.writeString(out, "[\n" + String.join(",\n", json) + "\n]\n");
        }
    }

    private static String result(String method, String params, double[] v, int n) {
        return String.format(Locale.ROOT, """
                  {"benchmark": "org.jstackless.bench.MemoryPerTask.%s", "mode": "size", "forks": 1, \
                "tasks": %d, "rounds": %d, %s"primaryMetric": {"score": %.3f, "scoreError": %.3f, \
                "scorePercentiles": {"50.0": %.3f}, "scoreUnit": "B/task"}}""",
                method, n, ROUNDS, params == null ? "" : "\"params\": " + params + ", ", v[0], v[1], v[0]);
    }
}
