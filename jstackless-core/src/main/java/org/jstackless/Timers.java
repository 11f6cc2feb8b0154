package org.jstackless;

import java.util.PriorityQueue;

/**
 * One scheduler's sleeping tasklets: a binary heap of {@link Wait}s by deadline, owner thread only.
 * No thread per sleeper: the scheduler checks {@link #nextExpired} at its switches and parks at most
 * until {@link #nanosToNext}.
 */
final class Timers {
    private final PriorityQueue<Wait> heap = new PriorityQueue<>();
    private long seq;

    Wait add(Tasklet t, long nanos) {
        Wait w = new Wait(t, System.nanoTime() + nanos, seq++, false);
        heap.add(w);
        return w;
    }

    boolean isEmpty() {
        return heap.isEmpty();
    }

    void cancel(Wait w) {
        heap.remove(w);
    }

    /** Removes {@code w}; false if it was not there (it fired). */
    boolean remove(Wait w) {
        return heap.remove(w);
    }

    /** The earliest wait whose deadline has passed (removed), or null. */
    Wait nextExpired(long now) {
        Wait w = heap.peek();
        if (w != null && w.deadline - now <= 0) {
            return heap.poll();
        }
        return null;
    }

    /** Nanoseconds until the earliest deadline (at least 0), or -1 when empty. */
    long nanosToNext() {
        Wait w = heap.peek();
        return w == null ? -1 : Math.max(0, w.deadline - System.nanoTime());
    }
}
