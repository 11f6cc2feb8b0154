package org.jstackless.bench;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import kotlin.Unit;
import org.jstackless.Channel;
import org.jstackless.Select;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Question: what does a select ping-pong round trip cost — the pinging side sends on one of two
 * channels (alternately), the ponging side selects over receiving from both and sends the value
 * back on a third — per jstackless mechanism, next to Kotlin's {@code select} over two rendezvous
 * channels and to the plain hand-off Java offers instead (virtual threads on
 * {@code SynchronousQueue}s: the JDK has no select over queues)?
 *
 * <p>How: as {@link PingPongBench}: {@value #ROUND_TRIPS} round trips of a preallocated message per
 * invocation, the time per round trip is the score; the parties are created outside the timing.
 * The jstackless ponging tasklet builds its {@link Select} once and selects with it each time.
 * Kotlin's {@code select} is an inline function, called here through its compiled body, so its
 * builder lambda is allocated per select (compiled Kotlin would inline it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class SelectBench {
    static final int ROUND_TRIPS = 5_000;
    static final Integer MESSAGE = 42;

    /** A pinging tasklet and a selecting ponging tasklet of the forced mechanism. */
    @State(Scope.Thread)
    public static class Tasklets {
        @Param({"SOFT", "CONTINUATION", "VIRTUAL_THREAD"})
        public String mechanism;
        private final Channel<Integer> a = new Channel<>();
        private final Channel<Integer> b = new Channel<>();
        private final Channel<Integer> back = new Channel<>();
        long sum;

        @Setup(Level.Trial)
        public void force() {
            Switching.force(Mechanism.valueOf(mechanism));
        }

        @Setup(Level.Invocation)
        public void spawn() {
            sum = 0;
            Tasklet.spawn(this::ping);
            Tasklet.spawn(this::pong);
        }

        private void ping() throws Suspendable {
            long s = 0;
            for (int i = 0; i < ROUND_TRIPS; i++) {
                ((i & 1) == 0 ? a : b).send(MESSAGE);
                s += back.receive();
            }
            sum = s;
        }

        private void pong() throws Suspendable {
            Select<Integer> sel = new Select<Integer>().onReceive(a, v -> v).onReceive(b, v -> v);
            for (int i = 0; i < ROUND_TRIPS; i++) {
                back.send(sel.select());
            }
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (sum != (long) ROUND_TRIPS * MESSAGE) {
                throw new IllegalStateException("expected " + ROUND_TRIPS + " round trips, the sum says otherwise: " + sum);
            }
        }

        @TearDown(Level.Trial)
        public void unforce() {
            Switching.force(null);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void jstackless(Tasklets s, Blackhole bh) throws Suspendable {
        Stackless.run();
        bh.consume(s.sum);
    }

    /** Two virtual threads, a plain SynchronousQueue hand-off each way: the reference without select. */
    @State(Scope.Thread)
    public static class VirtualThreads {
        private final SynchronousQueue<Integer> there = new SynchronousQueue<>();
        private final SynchronousQueue<Integer> back = new SynchronousQueue<>();
        ThreadPair pair;
        long sum;

        @Setup
        public void start() {
            pair = new ThreadPair(Thread.ofVirtual(), (n, p) -> {
                long s = 0;
                for (int i = 0; i < n; i++) {
                    there.put(MESSAGE);
                    s += back.take();
                }
                sum = s;
            }, (n, p) -> {
                for (int i = 0; i < n; i++) {
                    back.put(there.take());
                }
            });
        }

        @TearDown
        public void stop() throws InterruptedException {
            pair.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void virtualThreadsNoSelect(VirtualThreads s, Blackhole bh) throws InterruptedException {
        s.pair.round(ROUND_TRIPS);
        bh.consume(s.sum);
    }

    /** Kotlin: the sum of one run. */
    @State(Scope.Thread)
    public static class KotlinChannels {
        long sum;
    }

    /** {@code repeat(n) { (if (i % 2 == 0) a else b).send(MESSAGE); sum += back.receive() }} as kotlinc compiles it. */
    static final class KotlinPing extends Kt.Frame {
        private final kotlinx.coroutines.channels.Channel<Integer> a;
        private final kotlinx.coroutines.channels.Channel<Integer> b;
        private final kotlinx.coroutines.channels.Channel<Integer> back;
        private final KotlinChannels out;
        private int i;
        private long sum;

        KotlinPing(kotlin.coroutines.Continuation<?> c, kotlinx.coroutines.channels.Channel<Integer> a,
                kotlinx.coroutines.channels.Channel<Integer> b, kotlinx.coroutines.channels.Channel<Integer> back,
                KotlinChannels out) {
            super(c);
            this.a = a;
            this.b = b;
            this.back = back;
            this.out = out;
        }

        @Override
        Object step(Object r) {
            while (true) {
                switch (label) {
                    case 0 -> {
                        if (i == ROUND_TRIPS) {
                            out.sum = sum;
                            return Unit.INSTANCE;
                        }
                        label = 1;
                        if (((i & 1) == 0 ? a : b).send(MESSAGE, this) == Kt.SUSPENDED) {
                            return Kt.SUSPENDED;
                        }
                    }
                    case 1 -> {
                        label = 2;
                        r = back.receive(this);
                        if (r == Kt.SUSPENDED) {
                            return r;
                        }
                    }
                    default -> {
                        sum += (Integer) r;
                        i++;
                        label = 0;
                    }
                }
            }
        }
    }

    /** {@code repeat(n) { back.send(select { a.onReceive { it }; b.onReceive { it } }) }} as kotlinc compiles it. */
    static final class KotlinSelectPong extends Kt.Frame {
        private final kotlinx.coroutines.channels.Channel<Integer> a;
        private final kotlinx.coroutines.channels.Channel<Integer> b;
        private final kotlinx.coroutines.channels.Channel<Integer> back;
        private int i;

        KotlinSelectPong(kotlin.coroutines.Continuation<?> c, kotlinx.coroutines.channels.Channel<Integer> a,
                kotlinx.coroutines.channels.Channel<Integer> b, kotlinx.coroutines.channels.Channel<Integer> back) {
            super(c);
            this.a = a;
            this.b = b;
            this.back = back;
        }

        @Override
        @SuppressWarnings("unchecked")
        Object step(Object r) {
            while (true) {
                switch (label) {
                    case 0 -> {
                        if (i == ROUND_TRIPS) {
                            return Unit.INSTANCE;
                        }
                        label = 1;
                        r = kotlinx.coroutines.selects.SelectKt.<Integer>select(sb -> {
                            sb.invoke(a.getOnReceive(), (v, k) -> v);
                            sb.invoke(b.getOnReceive(), (v, k) -> v);
                            return Unit.INSTANCE;
                        }, this);
                        if (r == Kt.SUSPENDED) {
                            return r;
                        }
                    }
                    case 1 -> {
                        label = 2;
                        if (back.send((Integer) r, this) == Kt.SUSPENDED) {
                            return Kt.SUSPENDED;
                        }
                    }
                    default -> {
                        i++;
                        label = 0;
                    }
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void kotlin(KotlinChannels s, Blackhole bh) {
        kotlinx.coroutines.channels.Channel<Integer> a = Kt.rendezvous();
        kotlinx.coroutines.channels.Channel<Integer> b = Kt.rendezvous();
        kotlinx.coroutines.channels.Channel<Integer> back = Kt.rendezvous();
        Kt.runBlocking(scope -> {
            Kt.launch(scope, c -> new KotlinPing(c, a, b, back, s));
            Kt.launch(scope, c -> new KotlinSelectPong(c, a, b, back));
        });
        if (s.sum != (long) ROUND_TRIPS * MESSAGE) {
            throw new IllegalStateException("kotlin: the sum says the round trips did not happen: " + s.sum);
        }
        bh.consume(s.sum);
    }
}
