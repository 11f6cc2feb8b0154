package org.jstackless.bench;

import java.util.concurrent.TimeUnit;
import org.jstackless.Greenlet;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Question (issue 5): what does a greenlet switch round trip cost — main switches to a greenlet,
 * which switches straight back — per mechanism, next to a pair of tasklet switches
 * ({@code schedule()} from one tasklet to the other and back)?
 *
 * <p>How: both score the time of one round trip, that is two switches
 * ({@code @OperationsPerInvocation(}{@value #ROUND_TRIPS}{@code )}); the counts are checked after
 * every invocation.
 * <ul>
 *   <li>{@code greenlet}: the benchmark thread is the main greenlet; a greenlet created for the
 *       trial loops on {@code main.switchTo()}, and each invocation calls {@code g.switchTo()}
 *       {@value #ROUND_TRIPS} times. A greenlet is a coroutine, whose strand is hard by default
 *       (CONTINUATION; docs/coroutines.md: "Coroutine strands are hard for now"); only forcing SOFT
 *       makes it soft, so the SOFT row shows what soft coroutines would give.</li>
 *   <li>{@code taskletPair}: as SwitchBench's {@code jstackless}: two tasklets spawned before each
 *       invocation each call {@code Stackless.schedule()} {@value #ROUND_TRIPS} times; the benchmark
 *       thread runs them with {@code Stackless.run()} (3 extra switches per invocation to start and
 *       end them).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class GreenletBench {
    /** Round trips (two switches each) per invocation. */
    static final int ROUND_TRIPS = 5_000;

    /** A greenlet that switches back to main each time it is switched to. */
    @State(Scope.Thread)
    public static class Greenlets {
        @Param({"SOFT", "CONTINUATION", "VIRTUAL_THREAD"})
        public String mechanism;
        Greenlet g;
        /** Round trips the greenlet served in the current invocation. */
        int served;

        @Setup(Level.Trial)
        public void create() throws Suspendable {
            Switching.force(Mechanism.valueOf(mechanism));
            Greenlet main = Greenlet.current();
            g = new Greenlet(args -> {
                while (true) {
                    served++;
                    main.switchTo();
                }
            });
        }

        @Setup(Level.Invocation)
        public void reset() {
            served = 0;
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (served != ROUND_TRIPS) {
                throw new IllegalStateException("expected " + ROUND_TRIPS + " round trips, the greenlet saw " + served);
            }
        }

        @TearDown(Level.Trial)
        public void end() throws Suspendable {
            g.kill();
            if (!g.isDead()) {
                throw new IllegalStateException("the greenlet did not die: " + g);
            }
            Switching.force(null);
        }
    }

    /** Two tasklets of the forced mechanism, ready to schedule() to each other. */
    @State(Scope.Thread)
    public static class Tasklets {
        @Param({"SOFT", "CONTINUATION", "VIRTUAL_THREAD"})
        public String mechanism;
        /** schedule() calls made in the current invocation. */
        int schedules;

        @Setup(Level.Trial)
        public void force() {
            Switching.force(Mechanism.valueOf(mechanism));
        }

        @Setup(Level.Invocation)
        public void spawn() {
            schedules = 0;
            Tasklet.spawn(this::scheduleRoundTrips);
            Tasklet.spawn(this::scheduleRoundTrips);
        }

        private void scheduleRoundTrips() throws Suspendable {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                Stackless.schedule();
                schedules++;
            }
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (schedules != 2 * ROUND_TRIPS) {
                throw new IllegalStateException("expected " + 2 * ROUND_TRIPS + " schedule() calls, saw " + schedules);
            }
        }

        @TearDown(Level.Trial)
        public void unforce() {
            Switching.force(null);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void greenlet(Greenlets s) throws Suspendable {
        Greenlet g = s.g;
        for (int i = 0; i < ROUND_TRIPS; i++) {
            g.switchTo();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void taskletPair(Tasklets s) throws Suspendable {
        Stackless.run();
    }
}
