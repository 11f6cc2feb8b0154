package org.jstackless.bench;

import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;

/**
 * The {@code Stackless.blocking} round trip, call by call (issue 14): where JMH gives one mean per
 * iteration, this records every call's latency, so that a median of a few microseconds and a
 * mean pulled up by a few calls that waited for the operating system to run a thread can be told
 * apart. In one JVM, in alternating rounds (so that the load of a shared machine falls on all
 * alike), each round {@code CALLS} calls of {@code () -> 1}:
 * <ul>
 *   <li>{@code plain}: a soft tasklet calls it directly;</li>
 *   <li>{@code blocking}: a soft tasklet calls {@code Stackless.blocking(one)}, its scheduler on a
 *       platform thread (as {@code CarriersBench.blocking});</li>
 *   <li>{@code blocking-vt}: the same with the scheduler ({@code runAsMain}) on a virtual thread;</li>
 *   <li>{@code vt-handoff}: the virtual-thread peer: a virtual thread hands the call to a
 *       virtual-thread-per-task executor and waits for its future (what a virtual-thread program
 *       does to run something on another thread).</li>
 * </ul>
 * Usage: {@code java -cp benchmarks.jar org.jstackless.bench.BlockingLatency [rounds] [calls]}
 * (default 30 rounds of 1,000 calls after 5 warm-up rounds). Prints, per variant, the mean and
 * the 50th/90th/99th/99.9th percentiles and the maximum, in microseconds.
 */
public final class BlockingLatency {
    private static final Callable<Integer> ONE = () -> 1;

    private BlockingLatency() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        String[] names = {"plain", "blocking", "blocking-vt", "vt-handoff"};
        long[][] all = new long[names.length][rounds * calls];
        try (ExecutorService vtExec = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int r = -5; r < rounds; r++) {
                for (int v = 0; v < names.length; v++) {
                    long[] lat = new long[calls];
                    run(v, lat, vtExec);
                    if (r >= 0) {
                        System.arraycopy(lat, 0, all[v], r * calls, calls);
                    }
                }
            }
        }
        System.out.printf("load average %s; %d rounds x %d calls, alternating%n",
                new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).trim(), rounds, calls);
        System.out.println("| variant | mean µs | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int v = 0; v < names.length; v++) {
            long[] a = all[v];
            double mean = Arrays.stream(a).average().orElse(0) / 1000.0;
            Arrays.sort(a);
            System.out.printf("| %s | %.2f | %.2f | %.2f | %.2f | %.1f | %.0f |%n", names[v], mean,
                    a[a.length / 2] / 1000.0, a[(int) (a.length * 0.9)] / 1000.0, a[(int) (a.length * 0.99)] / 1000.0,
                    a[(int) (a.length * 0.999)] / 1000.0, a[a.length - 1] / 1000.0);
        }
    }

    private static void run(int variant, long[] lat, ExecutorService vtExec) throws Exception {
        switch (variant) {
            case 0 -> Stackless.runAsMain(() -> {
                Tasklet.spawn(() -> plain(lat));
                Stackless.run();
            });
            case 1 -> Stackless.runAsMain(() -> {
                Tasklet.spawn(() -> viaBlocking(lat));
                Stackless.run();
            });
            case 2 -> {
                Thread t = Thread.ofVirtual().start(() -> {
                    try {
                        Stackless.runAsMain(() -> {
                            Tasklet.spawn(() -> viaBlocking(lat));
                            Stackless.run();
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.join();
            }
            default -> {
                Thread t = Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < lat.length; i++) {
                            long t0 = System.nanoTime();
                            int x = vtExec.submit(ONE).get();
                            lat[i] = System.nanoTime() - t0;
                            check(x);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.join();
            }
        }
        for (long l : lat) {
            if (l <= 0) {
                throw new IllegalStateException("variant " + variant + " did not run every call");
            }
        }
    }

    private static void plain(long[] lat) throws Exception {
        for (int i = 0; i < lat.length; i++) {
            long t0 = System.nanoTime();
            int x = ONE.call();
            lat[i] = Math.max(1, System.nanoTime() - t0);
            check(x);
        }
    }

    private static void viaBlocking(long[] lat) throws Exception, org.jstackless.Suspendable {
        for (int i = 0; i < lat.length; i++) {
            long t0 = System.nanoTime();
            int x = Stackless.blocking(ONE);
            lat[i] = System.nanoTime() - t0;
            check(x);
        }
    }

    private static void check(int x) {
        if (x != 1) {
            throw new IllegalStateException("the call returned " + x);
        }
    }
}
