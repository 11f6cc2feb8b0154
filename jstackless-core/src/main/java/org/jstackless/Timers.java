package org.jstackless;

import java.util.PriorityQueue;

/**
 * One scheduler's sleeping tasklets and socket deadlines: a binary heap of {@link Wait}s by deadline,
 * owner thread only. No thread per sleeper: the scheduler checks {@link #nextExpired} at its
 * switches and parks at most until {@link #nanosToNext}.
 *
 * <p>Cancelling is lazy, because a server cancels a deadline on almost every read: a cancelled wait
 * is only marked ({@code inTimers = false}) and dropped when it reaches the top; when marked ones
 * outnumber the live ones the heap is rebuilt without them, so cancelling costs O(1) amortised and
 * the heap stays at most twice the live size. Invariant: {@code cancelled} is the number of waits in
 * {@code heap} with {@code inTimers == false}.
 */
final class Timers {
    private final PriorityQueue<Wait> heap = new PriorityQueue<>();
    private long seq;
    private int cancelled;

    Wait add(Tasklet t, long nanos) {
        Wait w = new Wait(t, System.nanoTime() + nanos, seq++, false);
        w.inTimers = true;
        heap.add(w);
        return w;
    }

    boolean isEmpty() {
        return heap.size() == cancelled;
    }

    /** Takes {@code w} out (no-op if it is not in, e.g. it already expired). */
    void cancel(Wait w) {
        if (!w.inTimers) {
            return;
        }
        w.inTimers = false;
        cancelled++;
        if (cancelled > 64 && cancelled > heap.size() / 2) {
            heap.removeIf(x -> !x.inTimers);
            cancelled = 0;
        }
    }

    /** Drops cancelled waits from the top. */
    private Wait top() {
        Wait w;
        while ((w = heap.peek()) != null && !w.inTimers) {
            heap.poll();
            cancelled--;
        }
        return w;
    }

    /** Removes {@code w}; false if it was not there (it fired). */
    boolean remove(Wait w) {
        return heap.remove(w);
    }

    /** The earliest wait whose deadline has passed (removed), or null. */
    Wait nextExpired(long now) {
        Wait w = top();
        if (w != null && w.deadline - now <= 0) {
            heap.poll();
            w.inTimers = false;
            return w;
        }
        return null;
    }

    /** The sleeping tasklets, in no particular order. */
    java.util.List<Tasklet> tasklets() {
        return heap.stream().map(w -> w.tasklet).toList();
    }

    /** Nanoseconds until the earliest deadline (at least 0), or -1 when empty. */
    long nanosToNext() {
        Wait w = top();
        return w == null ? -1 : Math.max(0, w.deadline - System.nanoTime());
    }
}
