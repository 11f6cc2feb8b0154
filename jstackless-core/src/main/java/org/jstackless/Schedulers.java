package org.jstackless;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A pool of carrier threads, one scheduler each, for using every core (spec §9, DESIGN §2.5).
 *
 * <pre>{@code
 * try (Schedulers pool = Schedulers.start(Runtime.getRuntime().availableProcessors())) {
 *     for (int i = 0; i < 1000; i++) pool.spawn(() -> work());
 *     pool.join(Duration.ofMinutes(1));
 * }
 * }</pre>
 *
 * <p>Placement: {@link #spawn} puts a new tasklet on the carrier with the shortest run queue; a
 * tasklet's own {@code Tasklet.spawn} keeps children on its carrier. Balancing: a carrier that runs
 * out of work asks the busiest peer, which hands over the tasklet at the end of its round at its
 * next switch — tasklets therefore move between carriers only between switches, and never run on
 * two threads at once. Only soft tasklets and hard ones that have not started move: a started JDK
 * continuation must resume on the thread it ran on (its compiled frames may keep that thread). Channels work across carriers. Tasklets see {@link Tasklet#thread()} change
 * when they move; code that must stay on one thread should not run in a pool.
 *
 * <p>Quiescence ({@link #join}): every carrier is parked with nothing to run or wait for, twice in
 * a row with no activity in between.
 */
public final class Schedulers implements AutoCloseable {
    private final Scheduler[] schedulers;
    private final Thread[] threads;
    private volatile boolean stopping;

    private Schedulers(int n) {
        schedulers = new Scheduler[n];
        threads = new Thread[n];
    }

    /** Starts {@code carriers} carrier threads, each with its own scheduler. */
    public static Schedulers start(int carriers) {
        if (carriers < 1) {
            throw new IllegalArgumentException("a pool needs at least one carrier, got " + carriers);
        }
        Schedulers pool = new Schedulers(carriers);
        CountDownLatch up = new CountDownLatch(carriers);
        for (int i = 0; i < carriers; i++) {
            int index = i;
            Thread t = Thread.ofPlatform().name("jstackless-carrier-" + i).daemon(true).unstarted(() -> {
                try {
                    Stackless.runAsMain(() -> {
                        pool.schedulers[index] = Scheduler.current();
                        up.countDown();
                        pool.schedulers[index].serve(pool);
                    });
                } catch (Exception e) {
                    Thread th = Thread.currentThread();
                    th.getUncaughtExceptionHandler().uncaughtException(th, e);
                }
            });
            pool.threads[i] = t;
            t.start();
        }
        try {
            up.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.close();
            throw new IllegalStateException("interrupted while starting the carriers", e);
        }
        return pool;
    }

    /** Number of carriers. */
    public int size() {
        return schedulers.length;
    }

    /** The carrier threads, for diagnostics. */
    public List<Thread> threads() {
        return List.of(threads);
    }

    /** Creates a tasklet running {@code body} on the least-loaded carrier. Any thread may call it. */
    public Tasklet spawn(TaskletBody body) {
        if (stopping) {
            throw new IllegalStateException("the pool is closed");
        }
        Scheduler best = schedulers[0];
        for (Scheduler s : schedulers) {
            if (s.runCount < best.runCount) {
                best = s;
            }
        }
        return new Tasklet(body, best).setup();
    }

    /**
     * Waits until every carrier is idle (nothing runnable, nothing waiting for the pool or a timer,
     * nothing in its inbox); returns false if {@code timeout} passed first. Tasklets blocked on
     * channels forever do not prevent quiescence.
     */
    public boolean join(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long[] seen = null;
        while (System.nanoTime() - deadline < 0) {
            long[] now = snapshot();
            if (now != null && seen != null && java.util.Arrays.equals(now, seen)) {
                return true;
            }
            seen = now;
            Thread.sleep(1);
        }
        return false;
    }

    /** Activity counters if every carrier is idle with an empty inbox, else null. */
    private long[] snapshot() {
        long[] a = new long[schedulers.length];
        for (int i = 0; i < schedulers.length; i++) {
            Scheduler s = schedulers[i];
            // The inbox first: a carrier marks itself busy before it empties its inbox.
            if (s.inbox.nonEmpty() || !s.idle) {
                return null;
            }
            a[i] = s.activity;
        }
        return a;
    }

    boolean stopping() {
        return stopping;
    }

    /** An idle carrier asks the busiest peer (if any has work to spare) for a tasklet. */
    void lookForWork(Scheduler idle) {
        Scheduler busiest = null;
        for (Scheduler s : schedulers) {
            if (s != null && s != idle && s.runCount > 2 && (busiest == null || s.runCount > busiest.runCount)) {
                busiest = s;
            }
        }
        if (busiest != null) {
            busiest.inbox.post(new Scheduler.Steal(idle));
        }
    }

    /**
     * Stops the carriers once each has nothing runnable, and waits for them; tasklets still blocked
     * on channels or waiting (a blocking call, a sleep, an await, a socket) are dropped with their
     * schedulers (spec §9, thread end): a carrier does not wait for them, and the number dropped
     * that were waiting is reported on {@code System.err} and by {@link #droppedWaiting()}.
     */
    @Override
    public void close() {
        stopping = true;
        List<Thread> alive = new ArrayList<>();
        for (int i = 0; i < schedulers.length; i++) {
            if (schedulers[i] != null) {
                schedulers[i].stopRequested = true;
                schedulers[i].inbox.wake();
            }
            alive.add(threads[i]);
        }
        boolean interrupted = false;
        for (Thread t : alive) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        int dropped = 0;
        for (Scheduler sc : schedulers) {
            if (sc != null) {
                dropped += sc.waiting;
            }
        }
        if (dropped > 0 && droppedWaiting < 0) {
            System.err.println("jstackless: Schedulers.close() dropped " + dropped + " tasklet(s) still waiting for a "
                    + "blocking call, a sleep, an await or a socket; kill them before closing to run their finally blocks");
        }
        if (droppedWaiting < 0) {
            droppedWaiting = dropped;
        }
    }

    private volatile int droppedWaiting = -1;

    /**
     * After {@link #close()}: how many tasklets were dropped while waiting outside the scheduler
     * (blocking call, sleep, await, socket); -1 before close.
     */
    public int droppedWaiting() {
        return droppedWaiting;
    }
}
