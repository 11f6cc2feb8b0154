package org.jstackless.bench;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import kotlin.Unit;
import org.jstackless.Channel;
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
 * Question: what does a channel ping-pong round trip cost — one tasklet sends a message on a
 * channel, the other receives it and sends it back on a second channel — per jstackless mechanism,
 * next to the same exchange between platform threads and between virtual threads?
 *
 * <p>How: each invocation makes {@value #ROUND_TRIPS} round trips of one preallocated message and
 * the score is the time per round trip ({@code @OperationsPerInvocation}). The pinging side sums
 * what comes back, and the sum goes to the Blackhole. The parties are created outside the
 * measurement:
 * <ul>
 *   <li>{@code jstackless}, per {@code mechanism}: a pinging and a ponging tasklet on two
 *       {@code Channel}s, spawned before each invocation (outside the timing); the benchmark
 *       thread, as main tasklet, runs them with {@code Stackless.run()} until both are done.</li>
 *   <li>{@code platformThreads}, {@code virtualThreads}: two long-lived threads exchanging through
 *       two {@code SynchronousQueue}s, the JDK's rendezvous channel.</li>
 *   <li>{@code rawContinuation}: the floor for a rendezvous on hard switching: two
 *       {@code jdk.internal.vm.Continuation}s run in turn by a loop, handing the message over in a
 *       field, with no queue and no scheduler; a round trip is two yields and two runs.</li>
 *   <li>{@code kotlin}: two coroutines in one {@code runBlocking} (one thread) on two rendezvous
 *       {@code kotlinx.coroutines.channels.Channel}s; {@code runBlocking} is inside the timing,
 *       amortised over the round trips.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class PingPongBench {
    /** Round trips per invocation: long enough that per-invocation costs vanish, even for threads. */
    static final int ROUND_TRIPS = 5_000;
    /** The message: preallocated, so that no implementation pays for boxing. */
    static final Integer MESSAGE = 42;

    /** A pinging and a ponging tasklet of the forced mechanism on two channels. */
    @State(Scope.Thread)
    public static class Tasklets {
        @Param({"SOFT", "CONTINUATION", "VIRTUAL_THREAD"})
        public String mechanism;
        private final Channel<Integer> there = new Channel<>();
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
                there.send(MESSAGE);
                s += back.receive();
            }
            sum = s;
        }

        private void pong() throws Suspendable {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                back.send(there.receive());
            }
        }

        /** Fails the run if the invocation did not make its round trips (e.g. tasklets on another thread). */
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

    /** Two continuations echoing a message through a field. */
    @State(Scope.Thread)
    public static class RawContinuations {
        private static final ContinuationScope SCOPE = new ContinuationScope("bench");
        Continuation ping;
        Continuation pong;
        Integer slot;
        long sum;

        @Setup
        public void create() {
            ping = new Continuation(SCOPE, this::pingForever);
            pong = new Continuation(SCOPE, this::pongForever);
        }

        private void pingForever() {
            while (true) {
                slot = MESSAGE;
                Continuation.yield(SCOPE);
                sum += slot;
            }
        }

        private void pongForever() {
            while (true) {
                Integer v = slot;
                slot = v;
                Continuation.yield(SCOPE);
            }
        }
    }

    /** Two threads echoing a message through two SynchronousQueues. */
    public abstract static class QueuePair {
        private final SynchronousQueue<Integer> there = new SynchronousQueue<>();
        private final SynchronousQueue<Integer> back = new SynchronousQueue<>();
        ThreadPair pair;
        long sum;

        void start(Thread.Builder builder) {
            pair = new ThreadPair(builder, (n, partner) -> ping(n), (n, partner) -> pong(n));
        }

        private void ping(int n) throws InterruptedException {
            long s = 0;
            for (int i = 0; i < n; i++) {
                there.put(MESSAGE);
                s += back.take();
            }
            sum = s;
        }

        private void pong(int n) throws InterruptedException {
            for (int i = 0; i < n; i++) {
                back.put(there.take());
            }
        }

        @TearDown
        public void stop() throws InterruptedException {
            pair.close();
        }
    }

    @State(Scope.Thread)
    public static class PlatformThreads extends QueuePair {
        @Setup
        public void start() {
            start(Thread.ofPlatform().daemon());
        }
    }

    @State(Scope.Thread)
    public static class VirtualThreads extends QueuePair {
        @Setup
        public void start() {
            start(Thread.ofVirtual());
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void jstackless(Tasklets s, Blackhole bh) throws Suspendable {
        Stackless.run();
        bh.consume(s.sum);
    }

    /** Kotlin's rendezvous channels, one pair per run. */
    @State(Scope.Thread)
    public static class KotlinChannels {
        long sum;
    }

    /** {@code repeat(n) { there.send(MESSAGE); sum += back.receive() }} as kotlinc compiles it. */
    static final class KotlinPing extends Kt.Frame {
        private final kotlinx.coroutines.channels.Channel<Integer> there;
        private final kotlinx.coroutines.channels.Channel<Integer> back;
        private final KotlinChannels out;
        private int i;
        private long sum;

        KotlinPing(kotlin.coroutines.Continuation<?> c, kotlinx.coroutines.channels.Channel<Integer> there,
                kotlinx.coroutines.channels.Channel<Integer> back, KotlinChannels out) {
            super(c);
            this.there = there;
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
                        if (there.send(MESSAGE, this) == Kt.SUSPENDED) {
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

    /** {@code repeat(n) { back.send(there.receive()) }} as kotlinc compiles it. */
    static final class KotlinPong extends Kt.Frame {
        private final kotlinx.coroutines.channels.Channel<Integer> there;
        private final kotlinx.coroutines.channels.Channel<Integer> back;
        private int i;

        KotlinPong(kotlin.coroutines.Continuation<?> c, kotlinx.coroutines.channels.Channel<Integer> there,
                kotlinx.coroutines.channels.Channel<Integer> back) {
            super(c);
            this.there = there;
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
                        r = there.receive(this);
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
        kotlinx.coroutines.channels.Channel<Integer> there = Kt.rendezvous();
        kotlinx.coroutines.channels.Channel<Integer> back = Kt.rendezvous();
        Kt.runBlocking(scope -> {
            Kt.launch(scope, c -> new KotlinPing(c, there, back, s));
            Kt.launch(scope, c -> new KotlinPong(c, there, back));
        });
        if (s.sum != (long) ROUND_TRIPS * MESSAGE) {
            throw new IllegalStateException("kotlin: the sum says the round trips did not happen: " + s.sum);
        }
        bh.consume(s.sum);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void rawContinuation(RawContinuations s, Blackhole bh) {
        for (int i = 0; i < ROUND_TRIPS; i++) {
            s.ping.run();
            s.pong.run();
        }
        bh.consume(s.sum);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void platformThreads(PlatformThreads s, Blackhole bh) throws InterruptedException {
        s.pair.round(ROUND_TRIPS);
        bh.consume(s.sum);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void virtualThreads(VirtualThreads s, Blackhole bh) throws InterruptedException {
        s.pair.round(ROUND_TRIPS);
        bh.consume(s.sum);
    }
}
