package org.jstackless.bench;

import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import kotlin.Unit;
import kotlinx.coroutines.YieldKt;
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
 * Question: what does one switch between two flows of control cost — {@code Stackless.schedule()}
 * between two tasklets, per jstackless mechanism — next to the raw JDK continuation, platform
 * threads and virtual threads?
 *
 * <p>How: each invocation makes {@value #SWITCHES} switches between two parties that do nothing
 * else, and the score is the time per switch ({@code @OperationsPerInvocation}). The parties are
 * created outside the measurement and only switch inside it:
 * <ul>
 *   <li>{@code jstackless}, per {@code mechanism}: two tasklets, spawned before each invocation
 *       (outside the timing), that each call {@code Stackless.schedule()} {@value #SWITCHES}/2
 *       times; the benchmark thread, as main tasklet, runs them with {@code Stackless.run()}. Every
 *       {@code schedule()} is one switch to the other tasklet; starting and ending the two adds three
 *       more switches per invocation (0.03%).</li>
 *   <li>{@code rawContinuation}: two {@code jdk.internal.vm.Continuation}s that yield forever, run
 *       in turn by a loop on the benchmark thread; a switch is one yield plus one run, exactly what
 *       jstackless's carrier loop does for a hard switch.</li>
 *   <li>{@code platformThreads}, {@code virtualThreads}: two long-lived threads passing a baton
 *       (a volatile turn flag with park/unpark); a switch is one pass: wake the partner, sleep.</li>
 *   <li>{@code kotlin}: two coroutines in one {@code runBlocking} (its single-thread event loop),
 *       each calling {@code yield()} {@value #SWITCHES}/2 times; {@code runBlocking} itself is
 *       inside the timing, amortised over the switches.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class SwitchBench {
    /** Switches per invocation: long enough that per-invocation costs vanish, even for threads. */
    static final int SWITCHES = 10_000;

    /** Two tasklets of the forced mechanism, ready to schedule() to each other. */
    @State(Scope.Thread)
    public static class Tasklets {
        @Param({"SOFT", "CONTINUATION", "VIRTUAL_THREAD"})
        public String mechanism;

        @Setup(Level.Trial)
        public void force() {
            Switching.force(Mechanism.valueOf(mechanism));
        }

        /** schedule() calls made in the current invocation. */
        int schedules;

        @Setup(Level.Invocation)
        public void spawn() {
            schedules = 0;
            Tasklet.spawn(this::scheduleHalfTheSwitches);
            Tasklet.spawn(this::scheduleHalfTheSwitches);
        }

        private void scheduleHalfTheSwitches() throws Suspendable {
            for (int i = 0; i < SWITCHES / 2; i++) {
                Stackless.schedule();
                schedules++;
            }
        }

        /** Fails the run if the invocation did not make its switches (e.g. tasklets on another thread). */
        @TearDown(Level.Invocation)
        public void check() {
            if (schedules != SWITCHES) {
                throw new IllegalStateException("expected " + SWITCHES + " schedule() calls, saw " + schedules);
            }
        }

        @TearDown(Level.Trial)
        public void unforce() {
            Switching.force(null);
        }
    }

    /** Two continuations that yield forever. */
    @State(Scope.Thread)
    public static class RawContinuations {
        private static final ContinuationScope SCOPE = new ContinuationScope("bench");
        Continuation a;
        Continuation b;

        @Setup
        public void create() {
            a = new Continuation(SCOPE, RawContinuations::yieldForever);
            b = new Continuation(SCOPE, RawContinuations::yieldForever);
        }

        private static void yieldForever() {
            while (true) {
                Continuation.yield(SCOPE);
            }
        }
    }

    /** Two platform threads passing a baton. */
    @State(Scope.Thread)
    public static class PlatformThreads {
        ThreadPair pair;

        @Setup
        public void start() {
            pair = batonPair(Thread.ofPlatform().daemon());
        }

        @TearDown
        public void stop() throws InterruptedException {
            pair.close();
        }
    }

    /** Two virtual threads passing a baton. */
    @State(Scope.Thread)
    public static class VirtualThreads {
        ThreadPair pair;

        @Setup
        public void start() {
            pair = batonPair(Thread.ofVirtual());
        }

        @TearDown
        public void stop() throws InterruptedException {
            pair.close();
        }
    }

    private static ThreadPair batonPair(Thread.Builder builder) {
        Baton baton = new Baton();
        return new ThreadPair(builder, (n, partner) -> baton.pass(0, n, partner),
                (n, partner) -> baton.pass(1, n, partner));
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void jstackless(Tasklets s) throws Suspendable {
        Stackless.run();
    }

    /** A coroutine calling {@code yield()} {@code n} times: the state machine kotlinc would make. */
    static final class KotlinYielder extends Kt.Frame {
        private final int n;
        private int i;

        KotlinYielder(kotlin.coroutines.Continuation<?> completion, int n) {
            super(completion);
            this.n = n;
        }

        @Override
        Object step(Object result) {
            while (i < n) {
                i++;
                if (YieldKt.yield(this) == Kt.SUSPENDED) {
                    return Kt.SUSPENDED;
                }
            }
            return Unit.INSTANCE;
        }
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void kotlin() {
        Kt.runBlocking(scope -> {
            Kt.launch(scope, c -> new KotlinYielder(c, SWITCHES / 2));
            Kt.launch(scope, c -> new KotlinYielder(c, SWITCHES / 2));
        });
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void rawContinuation(RawContinuations s) {
        for (int i = 0; i < SWITCHES / 2; i++) {
            s.a.run();
            s.b.run();
        }
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void platformThreads(PlatformThreads s) throws InterruptedException {
        s.pair.round(SWITCHES / 2);
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void virtualThreads(VirtualThreads s) throws InterruptedException {
        s.pair.round(SWITCHES / 2);
    }
}
