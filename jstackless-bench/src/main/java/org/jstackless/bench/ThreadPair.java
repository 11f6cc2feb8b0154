package org.jstackless.bench;

import java.util.concurrent.Semaphore;

/**
 * Two long-lived threads of one kind (platform or virtual) that play one round of a two-party
 * exchange each time the benchmark thread asks, so that thread creation stays out of the
 * measurement. A round costs the benchmark two extra wake-ups (start and done), amortised over
 * the many exchanges the round contains.
 */
final class ThreadPair implements AutoCloseable {
    /** One party's part of a round of {@code n} exchanges. */
    @FunctionalInterface
    interface Side {
        void play(int n, Thread partner) throws InterruptedException;
    }

    private final Semaphore startA = new Semaphore(0);
    private final Semaphore startB = new Semaphore(0);
    private final Semaphore done = new Semaphore(0);
    private final Thread a;
    private final Thread b;
    /** Exchanges in the current round; published to the sides by the start semaphores. */
    private int n;

    /** Starts the pair; {@code builder} should make daemon threads so that a failed trial cannot hang the JVM. */
    ThreadPair(Thread.Builder builder, Side sideA, Side sideB) {
        this.a = builder.unstarted(() -> serve(startA, sideA, true));
        this.b = builder.unstarted(() -> serve(startB, sideB, false));
        a.start();
        b.start();
    }

    private void serve(Semaphore start, Side side, boolean isA) {
        Thread partner = isA ? b : a;
        try {
            while (true) {
                start.acquire();
                side.play(n, partner);
                done.release();
            }
        } catch (InterruptedException e) {
            // close(): the pair is shut down
        }
    }

    /** Plays one round of {@code n} exchanges and returns when both sides have finished it. */
    void round(int n) throws InterruptedException {
        this.n = n;
        startA.release();
        startB.release();
        done.acquire(2);
    }

    @Override
    public void close() throws InterruptedException {
        a.interrupt();
        b.interrupt();
        a.join();
        b.join();
    }
}
