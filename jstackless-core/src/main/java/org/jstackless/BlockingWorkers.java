package org.jstackless;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The default blocking pool's threads: a virtual thread per call, as before, but one that has run
 * a call may stay for the next ({@link #execute}). A thread that finishes its call takes a free
 * place among at most {@link #IDLE_MAX} idle workers, spins a while ({@link SpinBudget}: up to
 * 50 µs, less where spinning has not paid off) for the next call, then parks, and ends after {@link #KEEP_ALIVE_NANOS} without one. A call handed to a
 * spinning worker starts within a fraction of a microsecond, where starting a virtual thread and
 * waking a carrier for it costs several; the scheduler's side of the round trip is
 * {@link Inbox#expectPost}.
 *
 * <p>Only calls that nobody will ever interrupt are handed to a worker that lives on ({@code
 * reusable}): a kill interrupts the thread of an interruptible call, or of a call waiting for a
 * permit of a bounded pool, and an interrupt that came late must hit a thread about to end, never
 * the next tasklet's call. Those calls get a thread of their own, as before.
 *
 * <p>Invariants: {@code idle[i]} is a worker waiting for a call, or null. Whoever swaps a worker
 * out of its place (a caller by {@link #execute}, or the worker itself when its keep-alive ends)
 * owns it: a caller then hands it exactly one call in {@code task}.
 */
final class BlockingWorkers {
    /** How many idle workers wait for calls at most (beyond that, a thread ends after its call). */
    static final int IDLE_MAX = Math.max(2, Integer.getInteger("jstackless.blocking.idleWorkers",
            Runtime.getRuntime().availableProcessors()));
    /** How long a worker that ran a call spins for the next before it parks (shared by the workers). */
    private static final SpinBudget SPIN = new SpinBudget();
    /** How long an idle worker waits, parked, before its thread ends. */
    static final long KEEP_ALIVE_NANOS = 5_000_000_000L;

    private static final Thread.Builder BUILDER = Thread.ofVirtual().name("jstackless-blocking-", 0);
    private static final AtomicReferenceArray<Worker> IDLE = new AtomicReferenceArray<>(IDLE_MAX);

    private BlockingWorkers() {
    }

    /** Runs {@code call} on a virtual thread: an idle worker if there is one and {@code reusable}. */
    static void execute(Runnable call, boolean reusable) {
        if (!reusable) {
            BUILDER.start(call);
            return;
        }
        for (int i = 0; i < IDLE_MAX; i++) {
            Worker w = IDLE.get(i);
            if (w != null && IDLE.compareAndSet(i, w, null)) {
                w.hand(call);
                return;
            }
        }
        Worker w = new Worker();
        w.task = call;
        w.thread = BUILDER.unstarted(w);
        w.thread.start();
    }

    /** One reusable worker thread. */
    private static final class Worker implements Runnable {
        Thread thread;
        /** The call handed to this worker and not yet taken (set by its owner, cleared by the worker). */
        volatile Runnable task;
        /** The worker is parked or about to park: a caller that hands it a call unparks it. */
        volatile boolean sleeping;

        void hand(Runnable call) {
            task = call;
            if (sleeping) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            Runnable r = task;
            task = null;
            while (r != null) {
                r.run(); // the pool's wrapper: catches everything and delivers the outcome
                Thread.interrupted();
                r = next();
            }
        }

        /** Waits for the next call as an idle worker, or null when this thread should end. */
        private Runnable next() {
            int slot = -1;
            for (int i = 0; i < IDLE_MAX && slot < 0; i++) {
                if (IDLE.get(i) == null && IDLE.compareAndSet(i, null, this)) {
                    slot = i;
                }
            }
            if (slot < 0) {
                return null; // enough idle workers already
            }
            long start = System.nanoTime();
            long spin = SPIN.nanos();
            int spins = 0;
            while (true) {
                Runnable r = task;
                if (r != null) {
                    task = null;
                    if (spin >= 0) {
                        SPIN.paidOff();
                    }
                    return r;
                }
                long waited = System.nanoTime() - start;
                if (waited < spin) {
                    Thread.onSpinWait();
                    if ((++spins & 255) == 0) {
                        Thread.yield(); // let other virtual threads of this carrier run now and then
                    }
                    continue;
                }
                if (waited >= KEEP_ALIVE_NANOS && IDLE.compareAndSet(slot, this, null)) {
                    return null; // nobody took it: retire (a caller that swapped it out first hands it a call)
                }
                if (spin >= 0) {
                    SPIN.ranOut();
                    spin = -1; // counted once; from now on the worker sleeps
                }
                sleeping = true;
                if (task == null) {
                    LockSupport.parkNanos(this, waited >= KEEP_ALIVE_NANOS ? 1_000_000 : KEEP_ALIVE_NANOS - waited);
                }
                sleeping = false;
            }
        }
    }
}
