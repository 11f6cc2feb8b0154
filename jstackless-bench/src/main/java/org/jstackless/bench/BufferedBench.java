package org.jstackless.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * Question: what does one message cost through a buffered channel — a producer sends
 * {@value #MESSAGES} values, a consumer receives them, the buffer holds {@value #CAPACITY} — per
 * jstackless mechanism, next to virtual threads on an {@code ArrayBlockingQueue} of the same
 * capacity and Kotlin coroutines on a buffered {@code Channel(CAPACITY)}?
 *
 * <p>How: the score is the time per message ({@code @OperationsPerInvocation}); the consumer sums
 * what it receives and the sum is checked. The jstackless parties are spawned before each
 * invocation, outside the timing; the threads are long-lived ({@link ThreadPair}); Kotlin's
 * {@code runBlocking} is inside the timing, amortised over the messages.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class BufferedBench {
    static final int MESSAGES = 20_000;
    static final int CAPACITY = 64;
    static final Integer MESSAGE = 7;

    /** A producer and a consumer tasklet of the forced mechanism on one buffered channel. */
    @State(Scope.Thread)
    public static class Tasklets {
        @Param({"SOFT", "CONTINUATION", "VIRTUAL_THREAD"})
        public String mechanism;
        private final Channel<Integer> ch = new Channel<>(CAPACITY);
        long sum;

        @Setup(Level.Trial)
        public void force() {
            Switching.force(Mechanism.valueOf(mechanism));
        }

        @Setup(Level.Invocation)
        public void spawn() {
            sum = 0;
            Tasklet.spawn(this::produce);
            Tasklet.spawn(this::consume);
        }

        private void produce() throws Suspendable {
            for (int i = 0; i < MESSAGES; i++) {
                ch.send(MESSAGE);
            }
        }

        private void consume() throws Suspendable {
            long s = 0;
            for (int i = 0; i < MESSAGES; i++) {
                s += ch.receive();
            }
            sum = s;
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (sum != (long) MESSAGES * MESSAGE) {
                throw new IllegalStateException("expected " + MESSAGES + " messages, the sum says otherwise: " + sum);
            }
        }

        @TearDown(Level.Trial)
        public void unforce() {
            Switching.force(null);
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void jstackless(Tasklets s, Blackhole bh) throws Suspendable {
        Stackless.run();
        bh.consume(s.sum);
    }

    /** A producer and a consumer virtual thread on an ArrayBlockingQueue of the same capacity. */
    @State(Scope.Thread)
    public static class VirtualThreads {
        private final ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(CAPACITY);
        ThreadPair pair;
        long sum;

        @Setup
        public void start() {
            pair = new ThreadPair(Thread.ofVirtual(), (n, p) -> {
                for (int i = 0; i < n; i++) {
                    q.put(MESSAGE);
                }
            }, (n, p) -> {
                long s = 0;
                for (int i = 0; i < n; i++) {
                    s += q.take();
                }
                sum = s;
            });
        }

        @TearDown
        public void stop() throws InterruptedException {
            pair.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void virtualThreads(VirtualThreads s, Blackhole bh) throws InterruptedException {
        s.pair.round(MESSAGES);
        bh.consume(s.sum);
    }

    /** Kotlin: the sum of one run. */
    @State(Scope.Thread)
    public static class KotlinChannel {
        long sum;
    }

    /** {@code repeat(n) { ch.send(MESSAGE) }} as kotlinc compiles it. */
    static final class KotlinProducer extends Kt.Frame {
        private final kotlinx.coroutines.channels.Channel<Integer> ch;
        private int i;

        KotlinProducer(kotlin.coroutines.Continuation<?> c, kotlinx.coroutines.channels.Channel<Integer> ch) {
            super(c);
            this.ch = ch;
        }

        @Override
        Object step(Object r) {
            while (true) {
                if (label == 1) {
                    i++;
                    label = 0;
                }
                if (i == MESSAGES) {
                    return Unit.INSTANCE;
                }
                label = 1;
                if (ch.send(MESSAGE, this) == Kt.SUSPENDED) {
                    return Kt.SUSPENDED;
                }
            }
        }
    }

    /** {@code repeat(n) { sum += ch.receive() }} as kotlinc compiles it. */
    static final class KotlinConsumer extends Kt.Frame {
        private final kotlinx.coroutines.channels.Channel<Integer> ch;
        private final KotlinChannel out;
        private int i;
        private long sum;

        KotlinConsumer(kotlin.coroutines.Continuation<?> c, kotlinx.coroutines.channels.Channel<Integer> ch,
                KotlinChannel out) {
            super(c);
            this.ch = ch;
            this.out = out;
        }

        @Override
        Object step(Object r) {
            while (true) {
                if (label == 1) {
                    sum += (Integer) r;
                    i++;
                    label = 0;
                }
                if (i == MESSAGES) {
                    out.sum = sum;
                    return Unit.INSTANCE;
                }
                label = 1;
                r = ch.receive(this);
                if (r == Kt.SUSPENDED) {
                    return r;
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void kotlin(KotlinChannel s, Blackhole bh) {
        kotlinx.coroutines.channels.Channel<Integer> ch = kotlinx.coroutines.channels.ChannelKt.Channel(CAPACITY,
                kotlinx.coroutines.channels.BufferOverflow.SUSPEND, null);
        Kt.runBlocking(scope -> {
            Kt.launch(scope, c -> new KotlinProducer(c, ch));
            Kt.launch(scope, c -> new KotlinConsumer(c, ch, s));
        });
        if (s.sum != (long) MESSAGES * MESSAGE) {
            throw new IllegalStateException("kotlin: the sum says the messages did not all arrive: " + s.sum);
        }
        bh.consume(s.sum);
    }
}
