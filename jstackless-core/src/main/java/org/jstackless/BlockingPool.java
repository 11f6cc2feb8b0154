package org.jstackless;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * Where {@link Stackless#blocking} runs calls: an executor (by default a virtual thread per call,
 * which may stay a few microseconds for the next one: {@link BlockingWorkers}) and, only if one
 * was set, a bound on how many calls run at once.
 *
 * <p>Why no bound by default: a server parks one call per idle connection, so any fixed bound is a
 * silent cap on the number of clients (a bound of 256 stopped a server at 255 idle connections);
 * virtual threads cost about a kilobyte each while parked. With a bound ({@link
 * Stackless#setBlockingPool}), a call over it waits inside its worker, never on a scheduler's thread,
 * so a full pool never stalls the tasklets that are not blocking; the first such wait prints one
 * warning naming the bound.
 *
 * <p>A call still waiting for a permit has not started: killing its tasklet cancels it (the call
 * never runs) and the tasklet wakes at once.
 */
final class BlockingPool {
    /** {@code maxConcurrent} meaning "no bound". */
    static final int UNBOUNDED = Integer.MAX_VALUE;
    /** A virtual thread per call, reused for the next call where that is safe ({@link BlockingWorkers}). */
    private static final Executor DEFAULT_EXECUTOR = r -> BlockingWorkers.execute(r, false);

    static volatile Executor executor = DEFAULT_EXECUTOR;
    /** Null: no bound. */
    static volatile Semaphore permits;
    private static volatile int bound = UNBOUNDED;
    private static volatile boolean warned;
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
        permits = maxConcurrent == UNBOUNDED ? null : new Semaphore(maxConcurrent);
        bound = maxConcurrent;
        warned = false;
    }

    /** Runs {@code call} on the pool and hands its outcome back to {@code w}'s scheduler. */
    static void submit(Scheduler s, Wait w, Callable<?> call) {
        Semaphore sem = permits;
        long submitted = org.jstackless.internal.jfr.JfrFlags.blockingCall ? System.nanoTime() : 0;
        QUEUED.incrementAndGet();
        w.pooled = true;
        Executor ex = executor;
        // Nobody interrupts a plain call of an unbounded pool: its thread may go on to the next call.
        boolean reusable = ex == DEFAULT_EXECUTOR && sem == null && !w.interruptible;
        s.inbox.expectPost(); // the result may be back within microseconds: spin a little before sleeping
        Runnable task = () -> {
            Object outcome;
            boolean acquired = false;
            boolean running = false;
            Object event = null;
            try {
                if (sem != null && !(acquired = sem.tryAcquire())) {
                    warnSaturated();
                    w.permitWaiter = Thread.currentThread(); // a kill interrupts the wait for a permit
                    try {
                        sem.acquire();
                        acquired = true;
                    } finally {
                        w.permitWaiter = null;
                    }
                }
                if (!w.start()) {
                    return; // its tasklet was killed while the call waited for a permit: never run it
                }
                QUEUED.decrementAndGet();
                ACTIVE.incrementAndGet();
                running = true;
                if (submitted != 0) {
                    event = org.jstackless.internal.jfr.JfrHooks.blockingBegin(submitted);
                }
                if (w.interruptible) {
                    w.worker = Thread.currentThread();
                }
                outcome = call.call();
            } catch (Throwable e) {
                if (w.isCancelled()) {
                    return;
                }
                outcome = new Bomb(e);
            } finally {
                w.worker = null;
                if (running) {
                    ACTIVE.decrementAndGet();
                } else {
                    QUEUED.decrementAndGet();
                }
                if (acquired) {
                    sem.release();
                }
                Thread.interrupted(); // an interrupt from kill() must not leak into the next pooled call
            }
            if (event != null) {
                org.jstackless.internal.jfr.JfrHooks.blockingEnd(event, w.tasklet.id, call, outcome instanceof Bomb);
            }
            s.waits.deliver(w, outcome);
        };
        if (ex == DEFAULT_EXECUTOR) {
            BlockingWorkers.execute(task, reusable);
        } else {
            ex.execute(task);
        }
    }

    private static void warnSaturated() {
        if (!warned) {
            warned = true;
            System.err.println("jstackless: the blocking pool runs " + bound + " call(s) at once, its bound; further "
                    + "Stackless.blocking calls wait for one (raise the bound with Stackless.setBlockingPool, or pass "
                    + "Integer.MAX_VALUE for none; for sockets use org.jstackless.net, which needs no blocking call)");
        }
    }
}
