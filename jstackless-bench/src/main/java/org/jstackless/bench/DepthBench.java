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
 * Question: does the cost of a switch grow with the depth of the stack being switched — a tasklet
 * that has recursed {@code depth} frames (1, 10, 100, 1000) and then switches in a loop — per
 * jstackless mechanism, next to the raw JDK continuation, platform threads, virtual threads and
 * Kotlin coroutines at the same depth? (Target: depth 100 ≤ 2× depth 1.)
 *
 * <p>How: exactly {@link SwitchBench}'s two-party switch loop ({@value #SWITCHES} switches per
 * invocation, score = time per switch), except that each party first recurses {@code depth} frames
 * of an ordinary method and runs its switch loop in the deepest one; the recursion happens once per
 * invocation, outside the loop, so the score is the switch cost at that depth:
 * <ul>
 *   <li>{@code jstackless} per {@code mechanism} (SOFT, CONTINUATION): two tasklets, each
 *       {@code descend(depth)} then {@code Stackless.schedule()} in a loop.</li>
 *   <li>{@code rawContinuation}: two continuations, each recursing then {@code Continuation.yield}
 *       forever, run in turn by a loop.</li>
 *   <li>{@code platformThreads}, {@code virtualThreads}: two threads, each recursing then passing
 *       a baton (volatile flag + park/unpark).</li>
 *   <li>{@code kotlin}: two coroutines in one {@code runBlocking}, each a chain of {@code depth}
 *       suspend frames whose deepest calls {@code yield()} in a loop (Kotlin unwinds the whole chain
 *       on each suspension and resumes only the deepest frame).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xss16m"})
public class DepthBench {
    static final int SWITCHES = 10_000;

    /** The stack depth at which the switching happens. */
    @State(Scope.Thread)
    public static class Depth {
        @Param({"1", "10", "100", "1000"})
        public int depth;
    }

    /** Two tasklets of the forced mechanism, each switching at the given depth. */
    @State(Scope.Thread)
    public static class Tasklets {
        @Param({"SOFT", "CONTINUATION"})
        public String mechanism;
        int depth;
        int schedules;

        @Setup(Level.Trial)
        public void force(Depth d) {
            depth = d.depth;
            Switching.force(Mechanism.valueOf(mechanism));
        }

        @Setup(Level.Invocation)
        public void spawn() {
            schedules = 0;
            Tasklet.spawn(this::body);
            Tasklet.spawn(this::body);
        }

        private void body() throws Suspendable {
            if (descend(depth) != depth) {
                throw new IllegalStateException("recursion");
            }
        }

        private int descend(int n) throws Suspendable {
            if (n > 1) {
                return descend(n - 1) + 1;
            }
            for (int i = 0; i < SWITCHES / 2; i++) {
                Stackless.schedule();
                schedules++;
            }
            return 1;
        }

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

    /** Two continuations, each recursed {@code depth} frames and yielding forever. */
    @State(Scope.Thread)
    public static class RawContinuations {
        private static final ContinuationScope SCOPE = new ContinuationScope("bench");
        Continuation a;
        Continuation b;

        @Setup
        public void create(Depth d) {
            a = new Continuation(SCOPE, () -> yieldAt(d.depth));
            b = new Continuation(SCOPE, () -> yieldAt(d.depth));
        }

        private static int yieldAt(int n) {
            if (n > 1) {
                return yieldAt(n - 1) + 1;
            }
            while (true) {
                Continuation.yield(SCOPE);
            }
        }
    }

    /** A piece of work run at some depth. */
    @FunctionalInterface
    interface Work {
        void run() throws InterruptedException;
    }

    /** Recurses {@code n} frames and runs {@code w} in the deepest. */
    static int atDepth(int n, Work w) throws InterruptedException {
        if (n > 1) {
            return atDepth(n - 1, w) + 1;
        }
        w.run();
        return 1;
    }

    abstract static class Threads {
        ThreadPair pair;

        void start(Thread.Builder builder, int depth) {
            Baton baton = new Baton();
            pair = new ThreadPair(builder, (n, partner) -> atDepth(depth, () -> baton.pass(0, n, partner)),
                    (n, partner) -> atDepth(depth, () -> baton.pass(1, n, partner)));
        }

        @TearDown
        public void stop() throws InterruptedException {
            pair.close();
        }
    }

    @State(Scope.Thread)
    public static class PlatformThreads extends Threads {
        @Setup
        public void start(Depth d) {
            start(Thread.ofPlatform().daemon().stackSize(16 << 20), d.depth);
        }
    }

    @State(Scope.Thread)
    public static class VirtualThreads extends Threads {
        @Setup
        public void start(Depth d) {
            start(Thread.ofVirtual(), d.depth);
        }
    }

    /** One suspend frame of a chain {@code depth} long; the deepest calls {@code yield()} {@code n} times. */
    static final class KotlinFrame extends Kt.Frame {
        private final int depth;
        private final int n;
        private int i;

        KotlinFrame(kotlin.coroutines.Continuation<?> completion, int depth, int n) {
            super(completion);
            this.depth = depth;
            this.n = n;
        }

        @Override
        Object step(Object r) {
            if (depth > 1) {
                if (label == 0) {
                    label = 1;
                    return new KotlinFrame(this, depth - 1, n).step(Unit.INSTANCE);
                }
                return Unit.INSTANCE;
            }
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
    public void jstackless(Tasklets s, Depth d) throws Suspendable {
        Stackless.run();
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void rawContinuation(RawContinuations s, Depth d) {
        for (int i = 0; i < SWITCHES / 2; i++) {
            s.a.run();
            s.b.run();
        }
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void platformThreads(PlatformThreads s, Depth d) throws InterruptedException {
        s.pair.round(SWITCHES / 2);
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void virtualThreads(VirtualThreads s, Depth d) throws InterruptedException {
        s.pair.round(SWITCHES / 2);
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void kotlin(Depth d) {
        Kt.runBlocking(scope -> {
            Kt.launch(scope, c -> new KotlinFrame(c, d.depth, SWITCHES / 2));
            Kt.launch(scope, c -> new KotlinFrame(c, d.depth, SWITCHES / 2));
        });
    }
}
