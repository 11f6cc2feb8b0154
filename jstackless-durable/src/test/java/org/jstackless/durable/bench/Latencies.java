package org.jstackless.durable.bench;

import java.util.Arrays;

/** Recorded durations in nanoseconds, from any thread; percentiles of what was recorded. */
final class Latencies {
    private long[] v = new long[1 << 12];
    private int n;

    synchronized void add(long nanos) {
        if (n == v.length) {
            v = Arrays.copyOf(v, 2 * n);
        }
        v[n++] = nanos;
    }

    synchronized void clear() {
        n = 0;
    }

    synchronized int count() {
        return n;
    }

    /** The {@code p}-th percentile (0 to 100), nearest rank, in milliseconds; NaN when nothing was recorded. */
    synchronized double percentileMillis(double p) {
        if (n == 0) {
            return Double.NaN;
        }
        long[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100 * n);
        return s[Math.max(0, Math.min(n - 1, rank - 1))] / 1e6;
    }
}
