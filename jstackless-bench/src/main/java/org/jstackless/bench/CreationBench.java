package org.jstackless.bench;

import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import kotlin.Unit;
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
 * Question: what does it cost to create a task, start it and see it finish — a task whose body
 * does (almost) nothing — per jstackless mechanism, next to the raw JDK continuation, platform
 * threads, virtual threads and Kotlin coroutines?
 *
 * <p>How: each invocation creates {@value #BATCH} tasks and waits for all of them to finish; score
 * = time per task. The body increments a counter, checked after each invocation.
 * <ul>
 *   <li>{@code jstackless} per {@code mechanism}: {@value #BATCH} × {@code Tasklet.spawn}, then
 *       {@code Stackless.run()} on the benchmark thread.</li>
 *   <li>{@code rawContinuation}: {@code new Continuation(scope, body).run()} {@value #BATCH} times
 *       (runs to completion; no scheduler).</li>
 *   <li>{@code platformThreads}, {@code virtualThreads}: start {@value #BATCH} threads, then join
 *       them all.</li>
 *   <li>{@code kotlin}: one {@code runBlocking} launching {@value #BATCH} coroutines (its own cost
 *       amortised over them).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class CreationBench {
    static final int BATCH = 1_000;
    private static final ContinuationScope SCOPE = new ContinuationScope("creation");

    /** Bodies run in the current invocation. */
    @State(Scope.Thread)
    public static class Counter {
        int ran;

        @Setup(Level.Invocation)
        public void reset() {
            ran = 0;
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (ran != BATCH) {
                throw new IllegalStateException("expected " + BATCH + " bodies to run, saw " + ran);
            }
        }

        void body() throws Suspendable {
            ran++;
        }
    }

    @State(Scope.Thread)
    public static class Forced {
        @Param({"SOFT", "CONTINUATION", "VIRTUAL_THREAD"})
        public String mechanism;

        @Setup(Level.Trial)
        public void force() {
            Switching.force(Mechanism.valueOf(mechanism));
        }

        @TearDown(Level.Trial)
        public void unforce() {
            Switching.force(null);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void jstackless(Forced f, Counter c) throws Suspendable {
        for (int i = 0; i < BATCH; i++) {
            Tasklet.spawn(c::body);
        }
        Stackless.run();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawContinuation(Counter c) {
        for (int i = 0; i < BATCH; i++) {
            new Continuation(SCOPE, () -> c.ran++).run();
        }
    }

    private static void threads(Thread.Builder builder, Counter c) throws InterruptedException {
        Thread[] ts = new Thread[BATCH];
        for (int i = 0; i < BATCH; i++) {
            ts[i] = builder.start(() -> {
                synchronized (c) {
                    c.ran++;
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void platformThreads(Counter c) throws InterruptedException {
        threads(Thread.ofPlatform(), c);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void virtualThreads(Counter c) throws InterruptedException {
        threads(Thread.ofVirtual(), c);
    }

    /** A coroutine that counts and ends. */
    static final class KotlinBody extends Kt.Frame {
        private final Counter c;

        KotlinBody(kotlin.coroutines.Continuation<?> completion, Counter c) {
            super(completion);
            this.c = c;
        }

        @Override
        Object step(Object r) {
            c.ran++;
            return Unit.INSTANCE;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void kotlin(Counter c) {
        Kt.runBlocking(scope -> {
            for (int i = 0; i < BATCH; i++) {
                Kt.launch(scope, k -> new KotlinBody(k, c));
            }
        });
    }
}
