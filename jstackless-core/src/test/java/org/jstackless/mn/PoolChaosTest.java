package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jstackless.Channel;
import org.jstackless.ChannelClosedException;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 15, M:N chaos: 8 carriers; tasklets that switch, talk over shared channels, sleep, spawn
 * children and kill or throw into each other (across carriers too), while foreign threads spawn,
 * kill, throw into tasklets and close and reopen the channels. Afterwards every tasklet is
 * accounted for exactly once: it ran to its end, was killed, or raised — none lost, none twice.
 * Bounded: a fixed number of tasklets and steps, a short chaos window, then a clean-up that kills
 * whatever is still alive.
 */
class PoolChaosTest {
    static final int CARRIERS = 8;
    static final int MAX_TASKLETS = 1_500;
    static final int FIRST = 200;
    static final int STEPS = 12;
    static final int FOREIGN = 3;
    static final long CHAOS_NANOS = 700_000_000L;
    static final Duration JOIN = Duration.ofSeconds(60);

    /** What a chaos thread throws into a tasklet. */
    static final class Chaos extends RuntimeException {
        final int target;

        Chaos(int target) {
            super("chaos for tasklet " + target, null, false, false);
            this.target = target;
        }
    }

    final AtomicReferenceArray<Tasklet> tasklets = new AtomicReferenceArray<>(MAX_TASKLETS);
    final AtomicInteger ids = new AtomicInteger();
    final AtomicIntegerArray started = new AtomicIntegerArray(MAX_TASKLETS);
    final AtomicIntegerArray finished = new AtomicIntegerArray(MAX_TASKLETS);
    final AtomicIntegerArray killed = new AtomicIntegerArray(MAX_TASKLETS);
    final AtomicIntegerArray raised = new AtomicIntegerArray(MAX_TASKLETS);
    /** Chaos thrown into a tasklet before its body began: it escapes to the carrier's handler. */
    final AtomicIntegerArray raisedBeforeStart = new AtomicIntegerArray(MAX_TASKLETS);
    final AtomicInteger refusals = new AtomicInteger();
    final List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
    final List<Channel<Integer>> channels = new ArrayList<>();
    final AtomicBoolean spawning = new AtomicBoolean(true);

    /** A new id, or -1 once the budget is spent or spawning stopped. */
    int newId() {
        if (!spawning.get()) {
            return -1;
        }
        int id = ids.getAndIncrement();
        return id < MAX_TASKLETS ? id : -1;
    }

    int anyId(SplittableRandom r) {
        int n = Math.min(ids.get(), MAX_TASKLETS);
        return n == 0 ? -1 : r.nextInt(n);
    }

    void body(int id, long seed) throws Suspendable {
        started.incrementAndGet(id);
        SplittableRandom r = new SplittableRandom(seed);
        try {
            for (int step = 0; step < STEPS; step++) {
                Channel<Integer> ch = channels.get(r.nextInt(channels.size()));
                switch (r.nextInt(9)) {
                    case 0, 1 -> Stackless.schedule();
                    case 2 -> ch.send(id);
                    case 3 -> ch.receive();
                    case 4 -> spawnChild(r.nextLong(), false);
                    case 5 -> hit(r, false);
                    case 6 -> Stackless.sleep(Duration.ofNanos(r.nextInt(200_000)));
                    case 7 -> Tasklet.spawn(() -> { }); // unaccounted filler: must not disturb the others
                    default -> {
                        long until = System.nanoTime() + r.nextInt(20_000);
                        while (System.nanoTime() - until < 0) {
                            Thread.onSpinWait();
                        }
                    }
                }
            }
            finished.incrementAndGet(id);
        } catch (TaskletExit e) {
            killed.incrementAndGet(id);
            throw e;
        } catch (Chaos | ChannelClosedException e) {
            raised.incrementAndGet(id);
        }
    }

    void spawnChild(long seed, boolean foreign) {
        int child = newId();
        if (child < 0) {
            return;
        }
        Tasklet t = new Tasklet(() -> body(child, seed));
        tasklets.set(child, t);
        t.setup();
    }

    /** Kills or throws into a random tasklet (any carrier); refusals (dead, moved) are counted. */
    void hit(SplittableRandom r, boolean foreign) throws Suspendable {
        int id = anyId(r);
        Tasklet t = id < 0 ? null : tasklets.get(id);
        if (t == null) {
            return;
        }
        try {
            if (r.nextBoolean()) {
                t.kill(true);
            } else {
                t.throwInto(new Chaos(id), true);
            }
        } catch (IllegalStateException e) {
            refusals.incrementAndGet();
        }
    }

    // issue 15: 8 carriers, foreign threads, random kill/throw/close: every tasklet ran to its end, was killed, or raised — none lost, none twice
    @SwitchingTest
    void everyTaskletIsAccountedForOnce() throws Throwable {
        for (int i = 0; i < 6; i++) {
            channels.add(new Channel<>());
        }
        try (Schedulers pool = Schedulers.start(CARRIERS)) {
            for (Thread t : pool.threads()) {
                t.setUncaughtExceptionHandler((th, e) -> {
                    if (e instanceof Chaos c) {
                        raisedBeforeStart.incrementAndGet(c.target);
                    } else {
                        unexpected.add(e);
                    }
                });
            }
            SplittableRandom seeds = new SplittableRandom(15);
            for (int i = 0; i < FIRST; i++) {
                int id = newId();
                long seed = seeds.nextLong();
                tasklets.set(id, pool.spawn(() -> body(id, seed)));
            }
            List<Thread> foreign = new ArrayList<>();
            long end = System.nanoTime() + CHAOS_NANOS;
            for (int f = 0; f < FOREIGN; f++) {
                long seed = seeds.nextLong();
                Thread th = Thread.ofPlatform().name("chaos-" + f).start(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    try {
                        while (System.nanoTime() - end < 0) {
                            switch (r.nextInt(4)) {
                                case 0 -> {
                                    int id = newId();
                                    if (id >= 0) {
                                        long s = r.nextLong();
                                        tasklets.set(id, pool.spawn(() -> body(id, s)));
                                    }
                                }
                                case 1 -> hit(r, true);
                                case 2 -> {
                                    Channel<Integer> ch = channels.get(r.nextInt(channels.size()));
                                    if (r.nextBoolean()) {
                                        ch.close();
                                    } else {
                                        ch.open();
                                    }
                                }
                                default -> Thread.sleep(0, 200_000);
                            }
                        }
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                });
                foreign.add(th);
            }
            for (Thread th : foreign) {
                th.join();
            }
            spawning.set(false);
            for (Channel<Integer> ch : channels) {
                ch.open();
            }
            // Clean-up: kill what is still alive (blocked on a channel, queued, asleep) until nothing is.
            int n = Math.min(ids.get(), MAX_TASKLETS);
            for (int round = 0; round < 100; round++) {
                assertThat(pool.join(JOIN)).as("quiescent within %s", JOIN).isTrue();
                boolean anyAlive = false;
                for (int i = 0; i < n; i++) {
                    Tasklet t = tasklets.get(i);
                    if (t != null && t.isAlive()) {
                        anyAlive = true;
                        t.kill(true);
                    }
                }
                if (!anyAlive) {
                    break;
                }
            }
            assertThat(unexpected).as("exceptions that escaped a tasklet or a chaos thread").isEmpty();
            int ran = 0;
            int neverStarted = 0;
            for (int i = 0; i < n; i++) {
                Tasklet t = tasklets.get(i);
                assertThat(t).as("tasklet %d was created", i).isNotNull();
                assertThat(t.isAlive()).as("tasklet %d is alive after the clean-up", i).isFalse();
                int s = started.get(i);
                int outcomes = finished.get(i) + killed.get(i) + raised.get(i);
                assertThat(s).as("times tasklet %d started", i).isLessThanOrEqualTo(1);
                if (s == 1) {
                    assertThat(raisedBeforeStart.get(i)).as("chaos escaping started tasklet %d", i).isZero();
                    assertThat(outcomes).as("outcomes of tasklet %d (finished %d, killed %d, raised %d)", i,
                            finished.get(i), killed.get(i), raised.get(i)).isEqualTo(1);
                    ran++;
                } else {
                    // Killed or thrown into before its body began: it never runs; a Chaos escapes once.
                    assertThat(outcomes).as("outcomes of never-started tasklet %d", i).isZero();
                    assertThat(raisedBeforeStart.get(i)).as("chaos escaping never-started tasklet %d", i)
                            .isLessThanOrEqualTo(1);
                    neverStarted++;
                }
            }
            int kills = 0;
            int raises = 0;
            int ends = 0;
            for (int i = 0; i < n; i++) {
                kills += killed.get(i);
                raises += raised.get(i);
                ends += finished.get(i);
            }
            assertThat(ends).as("tasklets that ran to their end").isPositive();
            assertThat(kills).as("tasklets killed").isPositive();
            assertThat(raises).as("tasklets that raised").isPositive();
            assertThat(ran + neverStarted).isEqualTo(n);
            assertThat(pool.dropped()).isEmpty();
        }
    }
}
