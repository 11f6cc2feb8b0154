package org.jstackless;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

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
 * <p>Placement: {@link #spawn} spreads new tasklets over the carriers (round robin, skipping a
 * carrier with a longer backlog than the next); a tasklet's own {@code Tasklet.spawn} queues children
 * in its carrier's backlog, where they stay until that carrier runs them or an idle one steals them.
 *
 * <p>Balancing (work stealing): a carrier with nothing to run takes the older half of the longest
 * backlog of its peers directly, without the victim's help (so a carrier whose tasklet never
 * switches still loses its spare work); it also asks a peer whose ring is long to hand over half of
 * it at its next switch. With nothing to take it spins a short while (at most half the carriers at
 * once, at least one) and then parks, once it has seen every backlog empty; work added to an empty
 * backlog unparks one parked carrier when none spins. A channel rendezvous between tasklets on two carriers of the pool brings the woken partner
 * to the waker's carrier, where it runs next (receiver preferred) or at the end of the round, so
 * ping-pong and rings stay on one thread. Tasklets move only while suspended and never run on two
 * threads at once; only soft tasklets and hard ones that have not started move (a started JDK
 * continuation must resume on the thread it ran on). Tasklets see {@link Tasklet#thread()} change
 * when they move; code that must stay on one thread should not run in a pool.
 *
 * <p>Faults: an exception that escapes a tasklet goes to the error handler if one is installed,
 * else to the carrier thread's uncaught-exception handler; an {@code Error} (out of memory, stack
 * overflow) ends the tasklet it was thrown in the same way. The carrier goes on. Tasklets the pool
 * had to drop are listed by {@link #dropped()}.
 *
 * <p>Quiescence ({@link #join}): every carrier is parked with nothing to run or wait for, twice in
 * a row with no activity in between.
 */
public final class Schedulers implements AutoCloseable {
    private final Scheduler[] schedulers;
    private final Thread[] threads;
    private volatile boolean stopping;
    /** Carriers spinning for work now; at most {@link #maxSpinning}. */
    private final AtomicInteger spinning = new AtomicInteger();
    /** Carriers parked (or about to park) with nothing to do and not yet woken: 1 in {@link #asleep}. */
    private final AtomicInteger parked = new AtomicInteger();
    /**
     * Per carrier, 1 while it is parked and nobody has woken it yet. A waker claims the carrier by
     * setting it to 0 (so that a burst of new work costs one unpark, not one per tasklet).
     */
    private final java.util.concurrent.atomic.AtomicIntegerArray asleep;
    private final int maxSpinning;
    /** Where {@link #spawn} looks first. */
    private final AtomicInteger nextPlace = new AtomicInteger();
    /** Tasklets dropped by faults or at close; guarded by itself. */
    private final List<Tasklet> dropped = new ArrayList<>();

    private Schedulers(int n) {
        schedulers = new Scheduler[n];
        threads = new Thread[n];
        maxSpinning = Math.max(1, n / 2);
        asleep = new java.util.concurrent.atomic.AtomicIntegerArray(n);
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
                        Scheduler me = Scheduler.current();
                        me.joinPool(pool, index);
                        pool.schedulers[index] = me;
                        up.countDown();
                        up.await(); // every peer is registered before anyone looks for work
                        try {
                            me.loop.serve();
                        } finally {
                            pool.dropped(me.loop.droppedAtClose(), null);
                        }
                    });
                } catch (Throwable e) {
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

    /**
     * Creates a tasklet running {@code body} and queues it on a carrier: the next in round-robin
     * order, or its neighbour when that one's backlog is shorter. Any thread may call it.
     */
    public Tasklet spawn(TaskletBody body) {
        if (stopping) {
            throw new IllegalStateException("the pool is closed");
        }
        int n = schedulers.length;
        int i = Math.floorMod(nextPlace.getAndIncrement(), n);
        Scheduler best = schedulers[i];
        Scheduler other = schedulers[(i + 1) % n];
        if (other.backlog.size() < best.backlog.size()) {
            best = other;
        }
        return new Tasklet(body, best).setup();
    }

    /**
     * The tasklets this pool had to drop, oldest first: those a fault left unable to run (their flow
     * ended without their end being recorded), and, after {@link #close}, those still queued to run
     * or asleep ({@code Stackless.sleep}) when their carrier stopped. Tasklets blocked on a channel
     * or waiting for a blocking call or a future when the pool closes end with it too (spec §9) but
     * are not listed: no carrier holds them.
     */
    public List<Tasklet> dropped() {
        synchronized (dropped) {
            return List.copyOf(dropped);
        }
    }

    /** A carrier dropped {@code ts} (because of {@code cause}, or at close when null). */
    void dropped(List<Tasklet> ts, Throwable cause) {
        if (!ts.isEmpty()) {
            synchronized (dropped) {
                dropped.addAll(ts);
            }
        }
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
            if (s.inbox.nonEmpty() || s.backlog.size() != 0 || !s.loop.idle) {
                return null;
            }
            a[i] = s.loop.activity;
        }
        return a;
    }

    boolean stopping() {
        return stopping;
    }

    // ---------------------------------------------------------------- work stealing and idling

    /**
     * Carrier {@code thief}, on its own thread with nothing to run: takes the older half of the
     * longest backlog among its peers into its ring. True if it got work.
     */
    boolean steal(Scheduler thief) {
        Scheduler victim = null;
        int most = 0;
        int n = schedulers.length;
        int start = (int) (Thread.currentThread().threadId() % n);
        for (int k = 0; k < n; k++) {
            Scheduler s = schedulers[(start + k) % n];
            int size = s.backlog.size();
            if (s != thief && size > most) {
                victim = s;
                most = size;
            }
        }
        if (victim == null) {
            return false;
        }
        List<Tasklet> got = victim.backlog.stealHalf(thief, STEAL_MAX);
        if (got.isEmpty()) {
            return false;
        }
        thief.steals += got.size(); // metrics; the thief's own field, written on its own thread
        thief.loop.takeStolen(got);
        if (victim.backlog.size() != 0 || thief.backlog.size() != 0) {
            wakeOne(thief); // more to share: another idle carrier may help
        }
        return true;
    }

    /** The most tasklets one steal takes: enough to amortise it, few enough to leave some behind. */
    static final int STEAL_MAX = 256;

    /** {@code s}'s backlog went from empty to non-empty: wake a parked carrier unless one spins already. */
    void workAdded(Scheduler s) {
        // Its owner may wait in its inbox (a tasklet's blocking call or timer pending, not flagged
        // asleep): it must look at the backlog too (issue 14, h4: else it slept until the next post).
        s.inbox.nudge();
        if (parked.get() > 0 && spinning.get() == 0) {
            wakeOne(s);
        }
    }

    /** Unparks one parked carrier other than {@code except}, claiming it so that nobody else does. */
    private void wakeOne(Scheduler except) {
        for (int i = 0; i < schedulers.length; i++) {
            if (schedulers[i] != except && asleep.get(i) == 1 && asleep.compareAndSet(i, 1, 0)) {
                parked.decrementAndGet();
                LockSupport.unpark(threads[i]);
                return;
            }
        }
    }

    /** True if this carrier may spin for work now (then it must call {@link #stopSpinning}). */
    boolean startSpinning() {
        while (true) {
            int n = spinning.get();
            if (n >= maxSpinning) {
                return false;
            }
            if (spinning.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void stopSpinning() {
        spinning.decrementAndGet();
    }

    /** A carrier is about to park ({@code true}) or has woken ({@code false}). */
    void parking(Scheduler s, boolean on) {
        if (on) {
            asleep.set(s.loop.index, 1);
            parked.incrementAndGet();
        } else if (asleep.compareAndSet(s.loop.index, 1, 0)) {
            parked.decrementAndGet(); // woke by itself (timeout, a post): nobody claimed it
        }
    }

    /** True if some peer of {@code me} has a backlog to steal from. */
    boolean workVisible(Scheduler me) {
        for (Scheduler s : schedulers) {
            if (s != null && s != me && s.backlog.size() != 0) {
                return true;
            }
        }
        return false;
    }

    /** An idle carrier asks the busiest peer (if its ring has work to spare) to hand some over. */
    void lookForWork(Scheduler idle) {
        Scheduler busiest = null;
        for (Scheduler s : schedulers) {
            if (s != null && s != idle && s.runCount > 2 && (busiest == null || s.runCount > busiest.runCount)) {
                busiest = s;
            }
        }
        if (busiest != null) {
            busiest.inbox.post(new PoolCarrier.Steal(idle));
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
                dropped += sc.waits.waiting;
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
