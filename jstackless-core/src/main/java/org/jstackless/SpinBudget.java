package org.jstackless;

/**
 * How long to spin for a hand-off before sleeping, adapted to how often spinning paid off: doubled
 * (up to {@link #MAX}) each time the awaited item came while spinning, halved (down to {@link #MIN})
 * each time the spin ran out. On a machine with idle cores a blocking call's result comes back
 * within a few microseconds and the budget stays high; on a machine with more runnable threads than
 * cores the partner is often off the CPU, spins keep failing, and the waste shrinks to {@code MIN}
 * per hand-off instead of burning the full budget on a core others are waiting for.
 *
 * <p>Not thread-safe on purpose: it is a hint; a lost update only changes one spin's length.
 */
final class SpinBudget {
    /** The longest spin (property {@code jstackless.blocking.spinNanos}, default 50 µs): more than a park and unpark cost. */
    static final long MAX = Long.getLong("jstackless.blocking.spinNanos", 50_000);
    /** The shortest: enough for a partner that is on a CPU to answer. */
    static final long MIN = Math.min(MAX, 5_000);

    private long nanos = MAX;

    long nanos() {
        return nanos;
    }

    void paidOff() {
        nanos = Math.min(MAX, nanos * 2);
    }

    void ranOut() {
        nanos = Math.max(MIN, nanos / 2);
    }
}
