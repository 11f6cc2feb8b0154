package org.jstackless.bench;

import java.util.concurrent.TimeUnit;
import org.jstackless.Suspendable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Question: what do preemption ticks cost woven code when no timed run is active (DESIGN §7 target:
 * at most 5% on a loop-heavy benchmark)?
 *
 * <p>How: the same loop-heavy kernels twice, byte for byte: {@code *Plain} methods are ordinary
 * (never woven), {@code *Woven} ones declare {@code throws Suspendable}, so the build weaves them
 * and they count a tick at their entry and at every loop back-edge (the budget is
 * {@link Long#MAX_VALUE}: it never runs out). Neither calls anything suspendable, so the only other
 * difference is the woven prologue, once per call (a thread-local read), amortised over the loop.
 * Kernels: {@code sum} (a vectorisable reduction over an int array), {@code mix} (a serial hash
 * chain), {@code matmul} (three nested loops over doubles) and {@code sieve} (nested loops with
 * branches and array stores). The score is the time per call; compare each {@code Woven} row with
 * its {@code Plain} row.
 *
 * <p>Measured on the 2-core development machine under load (a min-of-120-rounds harness that also
 * wove a ticks-off copy, so ticks are isolated from the prologue): woven with ticks vs woven
 * without, sum 0.996, mix 1.001, matmul 0.992, sieve 1.040; a call-bound {@code fib} pays 8% for
 * its entry ticks (and 5x for weaving itself). Before tick points tested {@code ctx.timed} first,
 * the unconditional decrement cost sum 5.9x, matmul 1.37x, sieve 1.53x.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TickBench {
    @Param({"4096"})
    public int n;

    int[] ints;
    double[] a;
    double[] b;
    double[] c;
    boolean[] composite;
    static final int M = 32;

    @Setup
    public void setup() {
        ints = new int[n];
        for (int i = 0; i < n; i++) {
            ints[i] = i * 7 + 3;
        }
        a = new double[M * M];
        b = new double[M * M];
        c = new double[M * M];
        for (int i = 0; i < M * M; i++) {
            a[i] = i * 0.5;
            b[i] = 1.0 / (i + 1);
        }
        composite = new boolean[n * 4];
    }

    @Benchmark
    public long sumPlain() {
        return Kernels.sumPlain(ints);
    }

    @Benchmark
    public long sumWoven() {
        try {
            return Kernels.sumWoven(ints);
        } catch (Suspendable s) {
            throw new AssertionError(s);
        }
    }

    @Benchmark
    public long mixPlain() {
        return Kernels.mixPlain(n);
    }

    @Benchmark
    public long mixWoven() {
        try {
            return Kernels.mixWoven(n);
        } catch (Suspendable s) {
            throw new AssertionError(s);
        }
    }

    @Benchmark
    public double matmulPlain() {
        return Kernels.matmulPlain(a, b, c, M);
    }

    @Benchmark
    public double matmulWoven() {
        try {
            return Kernels.matmulWoven(a, b, c, M);
        } catch (Suspendable s) {
            throw new AssertionError(s);
        }
    }

    @Benchmark
    public int sievePlain() {
        return Kernels.sievePlain(composite);
    }

    @Benchmark
    public int sieveWoven() {
        try {
            return Kernels.sieveWoven(composite);
        } catch (Suspendable s) {
            throw new AssertionError(s);
        }
    }

    /** The kernels, each twice with the same body: plain, and woven (ticks counted). */
    static final class Kernels {
        private Kernels() {
        }

        static long sumPlain(int[] xs) {
            long s = 0;
            for (int x : xs) {
                s += x;
            }
            return s;
        }

        static long sumWoven(int[] xs) throws Suspendable {
            long s = 0;
            for (int x : xs) {
                s += x;
            }
            return s;
        }

        static long mixPlain(int n) {
            long h = 17;
            for (int i = 0; i < n; i++) {
                h = h * 31 + i;
                h ^= h >>> 7;
            }
            return h;
        }

        static long mixWoven(int n) throws Suspendable {
            long h = 17;
            for (int i = 0; i < n; i++) {
                h = h * 31 + i;
                h ^= h >>> 7;
            }
            return h;
        }

        static double matmulPlain(double[] a, double[] b, double[] c, int m) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int k = 0; k < m; k++) {
                        s += a[i * m + k] * b[k * m + j];
                    }
                    c[i * m + j] = s;
                }
            }
            return c[m + 1];
        }

        static double matmulWoven(double[] a, double[] b, double[] c, int m) throws Suspendable {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int k = 0; k < m; k++) {
                        s += a[i * m + k] * b[k * m + j];
                    }
                    c[i * m + j] = s;
                }
            }
            return c[m + 1];
        }

        static int sievePlain(boolean[] composite) {
            int n = composite.length;
            java.util.Arrays.fill(composite, false);
            int count = 0;
            for (int i = 2; i < n; i++) {
                if (!composite[i]) {
                    count++;
                    for (long j = (long) i * i; j < n; j += i) {
                        composite[(int) j] = true;
                    }
                }
            }
            return count;
        }

        static int sieveWoven(boolean[] composite) throws Suspendable {
            int n = composite.length;
            java.util.Arrays.fill(composite, false);
            int count = 0;
            for (int i = 2; i < n; i++) {
                if (!composite[i]) {
                    count++;
                    for (long j = (long) i * i; j < n; j += i) {
                        composite[(int) j] = true;
                    }
                }
            }
            return count;
        }
    }
}
