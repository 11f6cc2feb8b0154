package org.jstackless;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Where {@link Stackless#blocking} runs calls: an executor (virtual threads by default) and a
 * bound on how many calls run at once. A call over the bound waits inside its worker, never on a
 * scheduler's thread, so a full pool never stalls the tasklets that are not blocking.
 */
final class BlockingPool {
    static final int DEFAULT_MAX_CONCURRENT = 256;
    private static final Executor DEFAULT_EXECUTOR =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jstackless-blocking-", 0).factory());

    static volatile Executor executor = DEFAULT_EXECUTOR;
    static volatile Semaphore permits = new Semaphore(DEFAULT_MAX_CONCURRENT);
    /** Calls submitted and waiting for a permit, and calls running: metrics. */
    static final java.util.concurrent.atomic.AtomicInteger QUEUED = new java.util.concurrent.atomic.AtomicInteger();
    static final java.util.concurrent.atomic.AtomicInteger ACTIVE = new java.util.concurrent.atomic.AtomicInteger();

    private BlockingPool() {
    }

    static void configure(Executor e, int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
        }
        executor = e == null ? DEFAULT_EXECUTOR : e;
        permits = new Semaphore(maxConcurrent);
    }

    /** Runs {@code call} on the pool and hands its outcome back to {@code w}'s scheduler. */
    static void submit(Scheduler s, Wait w, Callable<?> call) {
        Semaphore sem = permits;
        long submitted = org.jstackless.internal.jfr.JfrFlags.blockingCall ? System.nanoTime() : 0;
        QUEUED.incrementAndGet();
        executor.execute(() -> {
            Object outcome;
            boolean acquired = false;
            Object event = null;
            try {
                sem.acquire();
                acquired = true;
                QUEUED.decrementAndGet();
                ACTIVE.incrementAndGet();
                w.started = true;
                if (submitted != 0) {
                    event = org.jstackless.internal.jfr.JfrHooks.blockingBegin(submitted);
                }
                if (w.interruptible) {
                    w.worker = Thread.currentThread();
                }
                outcome = call.call();
            } catch (Throwable e) {
                outcome = new Bomb(e);
            } finally {
                w.worker = null;
                if (acquired) {
                    ACTIVE.decrementAndGet();
                    sem.release();
                } else {
                    QUEUED.decrementAndGet();
                }
            }
            if (event != null) {
                org.jstackless.internal.jfr.JfrHooks.blockingEnd(event, w.tasklet.id, call, outcome instanceof Bomb);
            }
            Thread.interrupted(); // an interrupt from kill() must not leak into the next pooled call
            s.deliver(w, outcome);
        });
    }
}
