package org.jstackless.bench;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jstackless.Generator;
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
 * Question (issue 5): what does one {@code next()} of a {@code Generator<Integer>} cost, per
 * mechanism, next to a hand-written {@code Iterator} and to generators backed by a virtual thread?
 *
 * <p>How: each invocation drains a fresh iterator of the {@value #N} values 0..N-1 with
 * {@code hasNext()}/{@code next()} on the benchmark thread, summing them; the score is the time per
 * value ({@code @OperationsPerInvocation}), creating the iterator and starting its producer
 * included (amortised over the {@value #N} values). The sum and the count are checked after every
 * invocation. All variants box the same {@code Integer}s.
 * <ul>
 *   <li>{@code generator}, per {@code mechanism}: {@code Generator.of(y -> for ... y.yield(i))}. The
 *       body runs nested on the consumer's stack (docs/generators.md): {@code next()} resumes the
 *       body's strand and its {@code yield} suspends it. SOFT is the default for a woven body (core
 *       and this class are woven): the yield unwinds the body's woven frames to the heap and
 *       {@code next()} re-enters them; CONTINUATION runs the body in a JDK continuation of its own
 *       scope; VIRTUAL_THREAD hands over to the body's virtual thread. The three rows come from the
 *       same run, so SOFT and CONTINUATION compare directly.</li>
 *   <li>{@code handWritten}: an {@code Iterator} with a counter field — the floor.</li>
 *   <li>{@code virtualThreadBaton}: a virtual thread runs the producing loop and hands each value
 *       over with a volatile turn flag and park/unpark (the cheapest thread hand-off).</li>
 *   <li>{@code virtualThreadQueue}: a virtual thread {@code put}s each value into a
 *       {@code SynchronousQueue} that {@code next()} {@code take}s from.</li>
 * </ul>
 * The consumer is the (platform) benchmark thread in every case, as for a generator called from
 * ordinary code.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class GeneratorBench {
    /** Values per invocation. */
    static final int N = 10_000;
    static final long SUM = (long) N * (N - 1) / 2;

    /** Counts and sums what a variant produced in the current invocation. */
    @State(Scope.Thread)
    public static class Drained {
        long sum;
        int count;

        @Setup(Level.Invocation)
        public void reset() {
            sum = 0;
            count = 0;
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (count != N || sum != SUM) {
                throw new IllegalStateException("expected " + N + " values summing to " + SUM + ", got " + count
                        + " summing to " + sum);
            }
        }

        void drain(Iterator<Integer> it) {
            long s = 0;
            int c = 0;
            while (it.hasNext()) {
                s += it.next();
                c++;
            }
            sum = s;
            count = c;
        }
    }

    /** Forces the mechanism of the generators' strands. */
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

    /** The floor: a counter. */
    static final class Counter implements Iterator<Integer> {
        private final int n;
        private int i;

        Counter(int n) {
            this.n = n;
        }

        @Override
        public boolean hasNext() {
            return i < n;
        }

        @Override
        public Integer next() {
            if (i >= n) {
                throw new NoSuchElementException();
            }
            return i++;
        }
    }

    /** A virtual thread produces, handing each value over with a turn flag and park/unpark. */
    static final class BatonGenerator implements Iterator<Integer> {
        private final Thread consumer = Thread.currentThread();
        private final Thread producer;
        /** True while the producer has the turn; the volatile write publishes slot and done. */
        private volatile boolean producerTurn;
        private boolean started;
        private Integer slot;
        private boolean done;
        private boolean buffered;

        BatonGenerator(int n) {
            producer = Thread.ofVirtual().unstarted(() -> {
                for (int i = 0; i < n; i++) {
                    awaitTurn();
                    slot = i;
                    producerTurn = false;
                    LockSupport.unpark(consumer);
                }
                awaitTurn();
                done = true;
                producerTurn = false;
                LockSupport.unpark(consumer);
            });
        }

        private void awaitTurn() {
            while (!producerTurn) {
                LockSupport.park(this);
            }
        }

        @Override
        public boolean hasNext() {
            if (buffered || done) {
                return buffered;
            }
            producerTurn = true;
            if (started) {
                LockSupport.unpark(producer);
            } else {
                started = true;
                producer.start();
            }
            while (producerTurn) {
                LockSupport.park(this);
            }
            buffered = !done;
            return buffered;
        }

        @Override
        public Integer next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            buffered = false;
            return slot;
        }
    }

    /** A virtual thread produces into a SynchronousQueue; END marks the end. */
    static final class QueueGenerator implements Iterator<Integer> {
        private static final Object END = new Object();
        private final SynchronousQueue<Object> queue = new SynchronousQueue<>();
        private Object next;

        QueueGenerator(int n) {
            Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        queue.put(i);
                    }
                    queue.put(END);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return next != END;
        }

        @Override
        public Integer next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Integer v = (Integer) next;
            next = null;
            return v;
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void generator(Forced f, Drained d) {
        d.drain(Generator.of(y -> {
            for (int i = 0; i < N; i++) {
                y.yield(i);
            }
        }));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void handWritten(Drained d) {
        d.drain(new Counter(N));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void virtualThreadBaton(Drained d) {
        d.drain(new BatonGenerator(N));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void virtualThreadQueue(Drained d) {
        d.drain(new QueueGenerator(N));
    }
}
