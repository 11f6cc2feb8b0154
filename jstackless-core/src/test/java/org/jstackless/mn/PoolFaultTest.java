package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jstackless.Channel;
import org.jstackless.ErrorHandler;
import org.jstackless.ScheduleCallback;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 15, "carriers never die": a fault in one pool tasklet — an exception nobody catches, an
 * {@code OutOfMemoryError}, a {@code StackOverflowError}, an {@code Error} thrown inside the
 * switching machinery — is reported, ends only that tasklet, and leaves the carriers, the other
 * tasklets and the pool usable.
 */
class PoolFaultTest {
    static final Duration JOIN = Duration.ofSeconds(60);

    /** Records what reaches the carriers' uncaught-exception handlers. */
    static final class Reports implements Thread.UncaughtExceptionHandler {
        final List<Throwable> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            seen.add(e);
        }

        static Reports on(Schedulers pool) {
            Reports r = new Reports();
            for (Thread t : pool.threads()) {
                t.setUncaughtExceptionHandler(r);
            }
            return r;
        }
    }

    /**
     * Spawns {@code n} well-behaved tasklets (switching a few times, and a pair talking over a
     * channel) next to the faulty one; returns the counter they bump when they end.
     */
    static AtomicInteger bystanders(Schedulers pool, int n) {
        AtomicInteger done = new AtomicInteger();
        Channel<Integer> ch = new Channel<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            pool.spawn(() -> {
                for (int r = 0; r < 5; r++) {
                    Stackless.schedule();
                }
                if (k % 2 == 0) {
                    ch.send(k);
                } else {
                    ch.receive();
                }
                done.incrementAndGet();
            });
        }
        return done;
    }

    /** After the fault: every carrier still serves, and a new batch runs to its end. */
    static void stillUsable(Schedulers pool) throws InterruptedException {
        for (Thread t : pool.threads()) {
            assertThat(t.isAlive()).as("carrier %s alive", t.getName()).isTrue();
        }
        AtomicInteger after = bystanders(pool, 40);
        assertThat(pool.join(JOIN)).isTrue();
        assertThat(after.get()).as("a new batch after the fault").isEqualTo(40);
    }

    // issue 15: an exception escaping a pool tasklet with no error handler goes to the carrier's uncaught-exception handler; the carrier goes on
    @SwitchingTest
    void anEscapingExceptionIsReportedAndTheCarrierGoesOn() throws Throwable {
        try (Schedulers pool = Schedulers.start(2)) {
            Reports reports = Reports.on(pool);
            AtomicInteger done = bystanders(pool, 40);
            RuntimeException boom = new RuntimeException("boom");
            Tasklet bad = pool.spawn(() -> {
                Stackless.schedule();
                throw boom;
            });
            assertThat(pool.join(JOIN)).isTrue();
            assertThat(done.get()).isEqualTo(40);
            assertThat(reports.seen).containsExactly(boom);
            assertThat(bad.isAlive()).isFalse();
            stillUsable(pool);
            assertThat(pool.dropped()).isEmpty();
        }
    }

    // issue 15: with an error handler installed, the escaping exception goes there and not to the carrier's handler
    @SwitchingTest
    void theErrorHandlerTakesItFirst() throws Throwable {
        List<Throwable> handled = Collections.synchronizedList(new ArrayList<>());
        ErrorHandler old = Stackless.setErrorHandler(handled::add);
        try (Schedulers pool = Schedulers.start(2)) {
            Reports reports = Reports.on(pool);
            IllegalArgumentException boom = new IllegalArgumentException("handled");
            pool.spawn(() -> {
                throw boom;
            });
            assertThat(pool.join(JOIN)).isTrue();
            assertThat(handled).containsExactly(boom);
            assertThat(reports.seen).isEmpty();
            stillUsable(pool);
        } finally {
            Stackless.setErrorHandler(old);
        }
    }

    // issue 15: an OutOfMemoryError in one tasklet ends that tasklet (reported); the others, blocked or runnable, finish; the pool stays usable
    @SwitchingTest
    void anOutOfMemoryErrorEndsOnlyItsTasklet() throws Throwable {
        try (Schedulers pool = Schedulers.start(2)) {
            Reports reports = Reports.on(pool);
            AtomicInteger done = bystanders(pool, 60);
            OutOfMemoryError oom = new OutOfMemoryError("simulated: Java heap space");
            AtomicBoolean afterThrow = new AtomicBoolean();
            Tasklet bad = pool.spawn(() -> {
                Stackless.schedule();
                if (oom != null) {
                    throw oom;
                }
                afterThrow.set(true);
            });
            assertThat(pool.join(JOIN)).isTrue();
            assertThat(done.get()).as("the other tasklets finish").isEqualTo(60);
            assertThat(reports.seen).containsExactly(oom);
            assertThat(afterThrow).isFalse();
            assertThat(bad.isAlive()).isFalse();
            stillUsable(pool);
            assertThat(pool.dropped()).isEmpty();
        }
    }

    private static int recurse(int n) {
        return n == Integer.MIN_VALUE ? 0 : recurse(n + 1) + 1;
    }

    // issue 15: a StackOverflowError in one tasklet ends that tasklet (reported); the carrier goes on
    @SwitchingTest
    void aStackOverflowEndsOnlyItsTasklet() throws Throwable {
        try (Schedulers pool = Schedulers.start(2)) {
            Reports reports = Reports.on(pool);
            AtomicInteger done = bystanders(pool, 40);
            pool.spawn(() -> {
                Stackless.schedule();
                recurse(0);
            });
            assertThat(pool.join(JOIN)).isTrue();
            assertThat(done.get()).isEqualTo(40);
            assertThat(reports.seen).hasSize(1);
            assertThat(reports.seen.get(0)).isInstanceOf(StackOverflowError.class);
            stillUsable(pool);
        }
    }

    // issue 15: close() does not wait for a sleeping tasklet; the pool lists it among the tasklets it dropped, dead
    @SwitchingTest
    void closeListsTheTaskletsItDrops() throws Throwable {
        Schedulers pool = Schedulers.start(2);
        java.util.concurrent.CountDownLatch asleep = new java.util.concurrent.CountDownLatch(1);
        AtomicBoolean woke = new AtomicBoolean();
        Tasklet sleeper = pool.spawn(() -> {
            asleep.countDown();
            Stackless.sleep(Duration.ofMinutes(10));
            woke.set(true);
        });
        assertThat(asleep.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        pool.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("close does not wait for the sleep")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(pool.dropped()).containsExactly(sleeper);
        assertThat(sleeper.isAlive()).isFalse();
        assertThat(woke).isFalse();
    }

    // issue 15: an Error thrown inside the switching machinery (here by a carrier's handler, called from the schedule callback as a tasklet ends) escapes the carrier's run; the carrier recovers, reports it, and every other tasklet still runs
    @SwitchingTest
    void anErrorInsideTheMachineryIsRecoveredFrom() throws Throwable {
        OutOfMemoryError oom = new OutOfMemoryError("simulated inside a switch");
        RuntimeException trigger = new RuntimeException("callback trigger");
        AtomicBoolean armed = new AtomicBoolean(true);
        List<Throwable> seen = Collections.synchronizedList(new ArrayList<>());
        ScheduleCallback old = Stackless.setScheduleCallback((prev, next) -> {
            if (prev != null && !prev.isAlive() && !prev.isMain() && armed.compareAndSet(true, false)) {
                throw trigger; // reported to the carrier's handler, which throws an Error from inside ended()
            }
        });
        try (Schedulers pool = Schedulers.start(2)) {
            for (Thread t : pool.threads()) {
                t.setUncaughtExceptionHandler((th, e) -> {
                    seen.add(e);
                    if (e == trigger) {
                        throw oom;
                    }
                });
            }
            AtomicInteger done = bystanders(pool, 60);
            assertThat(pool.join(JOIN)).isTrue();
            assertThat(armed).as("the fault fired").isFalse();
            assertThat(done.get()).as("every other tasklet ran to its end").isEqualTo(60);
            assertThat(seen).containsExactly(trigger, oom);
            Stackless.setScheduleCallback(old);
            stillUsable(pool);
            for (Tasklet t : pool.dropped()) {
                assertThat(t.isAlive()).as("a dropped tasklet is dead: %s", t).isFalse();
            }
        } finally {
            Stackless.setScheduleCallback(old);
        }
    }
}
