package org.jstackless.bench;

import java.util.ArrayDeque;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import kotlin.Unit;
import kotlinx.coroutines.CoroutineScope;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Question: how long does skynet take — a task tree with {@code size} (1 M) leaves, every inner
 * task spawning 10 children and summing what they send back on a channel, 1,111,111 tasks in all —
 * per jstackless mechanism, next to the raw JDK continuation, virtual threads and Kotlin coroutines?
 * (Target: ≤ 300 ms, soft.) Platform threads are left out: a million OS threads do not fit this
 * machine. Nor is jstackless's VIRTUAL_THREAD fallback: it took about 100 s per skynet (a
 * smoke run), too long for the suite.
 *
 * <p>How: one invocation is one whole skynet, score = time per skynet, checked against the known
 * sum. Everything (creating every task, every message, the garbage) is inside the timing; the
 * default collector (G1) and heap are used, on purpose: skynet is bound by the per-task footprint.
 * <ul>
 *   <li>{@code jstackless} per {@code mechanism}: a tasklet per node, a {@code Channel<Long>} per
 *       inner node; the benchmark thread runs them all with {@code Stackless.run()}.</li>
 *   <li>{@code virtualThreads}: a virtual thread per node, a {@code SynchronousQueue} per inner
 *       node.</li>
 *   <li>{@code kotlin}: a coroutine per node ({@code launch} in one {@code runBlocking}), a
 *       rendezvous {@code Channel} per inner node.</li>
 *   <li>{@code rawContinuation}: the floor for hard switching: a continuation per node, run from
 *       a FIFO queue by a loop; a child adds its sum to its parent's and the last child re-queues the
 *       parent (no channel).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class SkynetBench {
    static final int FANOUT = 10;

    /** The number of leaves; a power of ten. */
    @State(Scope.Thread)
    public static class Size {
        @Param({"1000000"})
        public int size;

        long expected() {
            return (long) size * (size - 1) / 2;
        }
    }

    static void check(String who, long sum, Size s) {
        if (sum != s.expected()) {
            throw new IllegalStateException(who + ": skynet summed " + sum + ", expected " + s.expected());
        }
    }

    @State(Scope.Thread)
    public static class Tasklets {
        /** Not VIRTUAL_THREAD: the hand-off fallback takes about 100 s per skynet (one smoke run). */
        @Param({"SOFT", "CONTINUATION"})
        public String mechanism;
        long sum;

        @Setup(Level.Trial)
        public void force() {
            Switching.force(Mechanism.valueOf(mechanism));
        }

        void root(int size) throws Suspendable {
            Channel<Long> c = new Channel<>();
            Tasklet.spawn(() -> skynet(c, 0, size));
            sum = c.receive();
        }

        static void skynet(Channel<Long> out, long num, int size) throws Suspendable {
            if (size == 1) {
                out.send(num);
                return;
            }
            Channel<Long> results = new Channel<>();
            int child = size / FANOUT;
            for (int i = 0; i < FANOUT; i++) {
                long n = num + (long) i * child;
                Tasklet.spawn(() -> skynet(results, n, child));
            }
            long sum = 0;
            for (int i = 0; i < FANOUT; i++) {
                sum += results.receive();
            }
            out.send(sum);
        }

        @TearDown(Level.Trial)
        public void unforce() {
            Switching.force(null);
        }
    }

    @Benchmark
    public long jstackless(Tasklets s, Size size) throws Suspendable {
        s.sum = -1;
        Tasklet.spawn(() -> s.root(size.size));
        Stackless.run();
        check("jstackless", s.sum, size);
        return s.sum;
    }

    static long vthread(long num, int size) throws InterruptedException {
        if (size == 1) {
            return num;
        }
        SynchronousQueue<Long> results = new SynchronousQueue<>();
        int child = size / FANOUT;
        for (int i = 0; i < FANOUT; i++) {
            long n = num + (long) i * child;
            Thread.ofVirtual().start(() -> {
                try {
                    results.put(vthread(n, child));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        long sum = 0;
        for (int i = 0; i < FANOUT; i++) {
            sum += results.take();
        }
        return sum;
    }

    @Benchmark
    public long virtualThreads(Size size) throws Exception {
        SynchronousQueue<Long> result = new SynchronousQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.put(vthread(0, size.size));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long sum = result.take();
        check("virtualThreads", sum, size);
        return sum;
    }

    /** The raw-continuation skynet: nodes on a FIFO run queue. */
    static final class RawSkynet {
        private static final ContinuationScope SCOPE = new ContinuationScope("skynet");
        private final ArrayDeque<Node> ready = new ArrayDeque<>();
        long result;

        final class Node {
            final Node parent;
            final long num;
            final int size;
            final Continuation cont = new Continuation(SCOPE, this::body);
            long sum;
            int pending;

            Node(Node parent, long num, int size) {
                this.parent = parent;
                this.num = num;
                this.size = size;
            }

            private void body() {
                if (size == 1) {
                    deliver(parent, num);
                    return;
                }
                int child = size / FANOUT;
                pending = FANOUT;
                for (int i = 0; i < FANOUT; i++) {
                    ready.add(new Node(this, num + (long) i * child, child));
                }
                Continuation.yield(SCOPE); // until the last child re-queues us
                deliver(parent, sum);
            }
        }

        private void deliver(Node parent, long v) {
            if (parent == null) {
                result = v;
                return;
            }
            parent.sum += v;
            if (--parent.pending == 0) {
                ready.add(parent);
            }
        }

        long run(int size) {
            ready.add(new Node(null, 0, size));
            Node n;
            while ((n = ready.poll()) != null) {
                n.cont.run();
            }
            return result;
        }
    }

    @Benchmark
    public long rawContinuation(Size size) {
        long sum = new RawSkynet().run(size.size);
        check("rawContinuation", sum, size);
        return sum;
    }

    /** One skynet node as a coroutine, as kotlinc compiles it. */
    static final class KotlinNode extends Kt.Frame {
        private final CoroutineScope scope;
        private final kotlinx.coroutines.channels.Channel<Long> out;
        private final long num;
        private final int size;
        private kotlinx.coroutines.channels.Channel<Long> results;
        private int got;
        private long sum;

        KotlinNode(kotlin.coroutines.Continuation<?> c, CoroutineScope scope,
                kotlinx.coroutines.channels.Channel<Long> out, long num, int size) {
            super(c);
            this.scope = scope;
            this.out = out;
            this.num = num;
            this.size = size;
        }

        @Override
        Object step(Object r) {
            while (true) {
                switch (label) {
                    case 0 -> {
                        if (size == 1) {
                            label = 3;
                            if (out.send(num, this) == Kt.SUSPENDED) {
                                return Kt.SUSPENDED;
                            }
                            continue;
                        }
                        results = Kt.rendezvous();
                        int child = size / FANOUT;
                        for (int i = 0; i < FANOUT; i++) {
                            long n = num + (long) i * child;
                            Kt.launch(scope, c -> new KotlinNode(c, scope, results, n, child));
                        }
                        label = 1;
                    }
                    case 1 -> {
                        if (got == FANOUT) {
                            label = 3;
                            if (out.send(sum, this) == Kt.SUSPENDED) {
                                return Kt.SUSPENDED;
                            }
                            continue;
                        }
                        label = 2;
                        r = results.receive(this);
                        if (r == Kt.SUSPENDED) {
                            return r;
                        }
                    }
                    case 2 -> {
                        sum += (Long) r;
                        got++;
                        label = 1;
                    }
                    default -> {
                        return Unit.INSTANCE;
                    }
                }
            }
        }
    }

    /** The root: receives the tree's sum. */
    static final class KotlinRoot extends Kt.Frame {
        private final kotlinx.coroutines.channels.Channel<Long> in;
        long sum = -1;

        KotlinRoot(kotlin.coroutines.Continuation<?> c, kotlinx.coroutines.channels.Channel<Long> in) {
            super(c);
            this.in = in;
        }

        @Override
        Object step(Object r) {
            if (label == 0) {
                label = 1;
                r = in.receive(this);
                if (r == Kt.SUSPENDED) {
                    return r;
                }
            }
            sum = (Long) r;
            return Unit.INSTANCE;
        }
    }

    @Benchmark
    public long kotlin(Size size) {
        kotlinx.coroutines.channels.Channel<Long> top = Kt.rendezvous();
        KotlinRoot[] root = new KotlinRoot[1];
        Kt.runBlocking(scope -> {
            Kt.launch(scope, c -> root[0] = new KotlinRoot(c, top));
            Kt.launch(scope, c -> new KotlinNode(c, scope, top, 0, size.size));
        });
        check("kotlin", root[0].sum, size);
        return root[0].sum;
    }
}
