package org.jstackless.bench;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import org.jstackless.Channel;
import org.jstackless.Schedulers;
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
 * Question (issue 6): what do several carrier threads buy and cost soft tasklets — the speed-up
 * of {@code Schedulers.start(2)} over {@code start(1)} on a spawn-heavy and on a sequential
 * workload, a channel round trip between two threads next to one within a thread, and a
 * {@code Stackless.blocking} round trip next to a plain call? Every tasklet is soft (SOFT forced;
 * this class is woven). Every result is checked after each invocation.
 * <ul>
 *   <li>{@code skynet}, per {@code carriers}: the skynet benchmark: a tasklet spawns 10 children,
 *       each spawns 10, ... down to {@code leaves} leaf tasklets (111,111 tasklets for 10^5
 *       leaves, 1,111,111 for 10^6), each leaf sends its number on its parent's channel, each parent sends
 *       the sum of its 10 children up. One operation is one whole tree (score in ms); the root is put on the pool
 *       with {@code pool.spawn}, children stay on their parent's carrier until an idle carrier
 *       steals them. At 10^6 leaves nearly all of them are alive at once (the run queue is FIFO,
 *       so the tree unfolds breadth first): about 340 MB per tree, and the time is mostly GC and
 *       noisy on a small machine; 10^5 leaves is the steadier row.</li>
 *   <li>{@code threadRing}, per {@code carriers}: 503 tasklets in a ring, each receiving a token
 *       on its channel and sending it decremented to the next; placed by {@code pool.spawn} once
 *       per trial (so with 2 carriers they alternate between the threads). Each invocation sends
 *       the token {@value #HOPS} in; the score is the time per hop.</li>
 *   <li>{@code pingPongCrossThread}: two platform threads, each inside {@code Stackless.runAsMain}
 *       with one tasklet, make {@value #ROUND_TRIPS} round trips over two channels (ping sends on
 *       one, pong echoes on the other); score per round trip. {@code pingPongSameThread}: the same
 *       two tasklets on the benchmark thread (PingPongBench's jstackless row, SOFT).</li>
 *   <li>Scaling peers of {@code skynet} (issue 15), per {@code carriers} = worker threads: the same
 *       tree as {@code skynetForkJoin} — a {@code RecursiveTask} per node on a
 *       {@code ForkJoinPool(carriers)}, children forked and joined, no channel;
 *       {@code skynetKotlinDefault} — a coroutine per node and a rendezvous channel per inner node
 *       (SkynetBench's Kotlin tree) on {@code Dispatchers.Default.limitedParallelism(carriers)};
 *       {@code skynetVirtualThreads} — a virtual thread per node and a {@code SynchronousQueue} per
 *       inner node (SkynetBench's tree) on the JDK's virtual-thread scheduler, whose parallelism is
 *       fixed per JVM (all cores), so it has no {@code carriers} parameter.</li>
 *   <li>{@code pingPongPool}, per {@code carriers}: the two ping-pong tasklets placed with
 *       {@code pool.spawn} (on two carriers when there are two); a rendezvous brings the woken
 *       partner to the waker's carrier, so after the first round trip they share one.</li>
 *   <li>{@code blocking}: a tasklet on the benchmark thread makes {@value #CALLS}
 *       {@code Stackless.blocking(() -> 1)} calls (default blocking pool: a virtual thread per
 *       call; the thread sleeps while the call runs); {@code plainCall}: the same tasklet calls
 *       the callable directly. Score per call.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class CarriersBench {
    static final int RING = 503;
    static final int HOPS = 10_000;
    static final int ROUND_TRIPS = 5_000;
    static final int CALLS = 1_000;
    static final Integer MESSAGE = 42;

    // ---------------------------------------------------------------- skynet and thread ring

    /** A pool of {@code carriers} carriers, and a ring of 503 tasklets on it. */
    @State(Scope.Thread)
    public static class Pool {
        @Param({"1", "2"})
        public int carriers;
        Schedulers pool;
        @SuppressWarnings("unchecked")
        final Channel<Integer>[] ring = new Channel[RING];
        /** Completed with the index of the ring member that received the token at 0. */
        volatile CompletableFuture<Integer> ringDone;

        @Setup(Level.Trial)
        public void start() {
            Switching.force(Mechanism.SOFT);
            pool = Schedulers.start(carriers);
            for (int i = 0; i < RING; i++) {
                ring[i] = new Channel<>();
            }
            for (int i = 0; i < RING; i++) {
                int me = i;
                pool.spawn(() -> ringMember(me));
            }
        }

        private void ringMember(int me) throws Suspendable {
            Channel<Integer> in = ring[me];
            Channel<Integer> out = ring[(me + 1) % RING];
            while (true) {
                int token = in.receive();
                if (token == 0) {
                    ringDone.complete(me);
                } else {
                    out.send(token - 1);
                }
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
            Switching.force(null);
        }
    }

    /** The size of the skynet tree. */
    @State(Scope.Thread)
    public static class Skynet {
        @Param({"100000", "1000000"})
        public int leaves;
    }

    static void skynet(Channel<Long> parent, long num, int size) throws Suspendable {
        if (size == 1) {
            parent.send(num);
            return;
        }
        Channel<Long> children = new Channel<>();
        int sub = size / 10;
        for (int i = 0; i < 10; i++) {
            long n = num + (long) i * sub;
            Tasklet.spawn(() -> skynet(children, n, sub));
        }
        long sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += children.receive();
        }
        parent.send(sum);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long skynet(Pool p, Skynet size) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        int leaves = size.leaves;
        p.pool.spawn(() -> {
            Channel<Long> top = new Channel<>();
            Tasklet.spawn(() -> skynet(top, 0, leaves));
            done.complete(top.receive());
        });
        long sum = done.get(5, TimeUnit.MINUTES);
        if (sum != (long) leaves * (leaves - 1) / 2) {
            throw new IllegalStateException("skynet(" + leaves + ") summed to " + sum);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public int threadRing(Pool p) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        p.ringDone = done;
        Channel<Integer> first = p.ring[0];
        p.pool.spawn(() -> first.send(HOPS));
        int last = done.get(5, TimeUnit.MINUTES);
        if (last != HOPS % RING) {
            throw new IllegalStateException("the token ended at member " + last + ", not " + HOPS % RING);
        }
        return last;
    }

    // ---------------------------------------------------------------- scaling peers (issue 15)

    /** A ForkJoinPool and a Kotlin dispatcher with {@code carriers} worker threads. */
    @State(Scope.Thread)
    public static class Workers {
        @Param({"1", "2"})
        public int carriers;
        ForkJoinPool forkJoin;
        kotlinx.coroutines.CoroutineDispatcher kotlin;

        @Setup(Level.Trial)
        public void start() {
            forkJoin = new ForkJoinPool(carriers);
            kotlin = kotlinx.coroutines.Dispatchers.getDefault().limitedParallelism(carriers, null);
        }

        @TearDown(Level.Trial)
        public void stop() {
            forkJoin.shutdownNow();
        }
    }

    /** A skynet node as a fork/join task: forks its 10 children and sums their results. */
    static final class ForkJoinSkynet extends RecursiveTask<Long> {
        private final long num;
        private final int size;

        ForkJoinSkynet(long num, int size) {
            this.num = num;
            this.size = size;
        }

        @Override
        protected Long compute() {
            if (size == 1) {
                return num;
            }
            int sub = size / 10;
            ForkJoinSkynet[] children = new ForkJoinSkynet[10];
            for (int i = 0; i < 10; i++) {
                children[i] = new ForkJoinSkynet(num + (long) i * sub, sub);
                children[i].fork();
            }
            long sum = 0;
            for (int i = 9; i >= 0; i--) {
                sum += children[i].join();
            }
            return sum;
        }
    }

    static long checked(String who, long sum, int leaves) {
        if (sum != (long) leaves * (leaves - 1) / 2) {
            throw new IllegalStateException(who + ": skynet(" + leaves + ") summed to " + sum);
        }
        return sum;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long skynetForkJoin(Workers w, Skynet size) {
        return checked("forkJoin", w.forkJoin.invoke(new ForkJoinSkynet(0, size.leaves)), size.leaves);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long skynetKotlinDefault(Workers w, Skynet size) {
        kotlinx.coroutines.channels.Channel<Long> top = Kt.rendezvous();
        SkynetBench.KotlinRoot[] root = new SkynetBench.KotlinRoot[1];
        int leaves = size.leaves;
        Kt.runBlocking(w.kotlin, scope -> {
            Kt.launch(scope, c -> root[0] = new SkynetBench.KotlinRoot(c, top));
            Kt.launch(scope, c -> new SkynetBench.KotlinNode(c, scope, top, 0, leaves));
        });
        return checked("kotlinDefault", root[0].sum, leaves);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long skynetVirtualThreads(Skynet size) throws Exception {
        java.util.concurrent.SynchronousQueue<Long> result = new java.util.concurrent.SynchronousQueue<>();
        int leaves = size.leaves;
        Thread.ofVirtual().start(() -> {
            try {
                result.put(SkynetBench.vthread(0, leaves));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return checked("virtualThreads", result.take(), leaves);
    }

    /** Ping and pong as two pool tasklets, placed by {@code pool.spawn}; one pool per trial. */
    @State(Scope.Thread)
    public static class PoolPingPong {
        @Param({"1", "2"})
        public int carriers;
        Schedulers pool;
        final Channel<Integer> there = new Channel<>();
        final Channel<Integer> back = new Channel<>();

        @Setup(Level.Trial)
        public void start() {
            Switching.force(Mechanism.SOFT);
            pool = Schedulers.start(carriers);
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
            Switching.force(null);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long pingPongPool(PoolPingPong p) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        p.pool.spawn(() -> {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                p.back.send(p.there.receive());
            }
        });
        p.pool.spawn(() -> {
            long s = 0;
            for (int i = 0; i < ROUND_TRIPS; i++) {
                p.there.send(MESSAGE);
                s += p.back.receive();
            }
            done.complete(s);
        });
        long sum = done.get(5, TimeUnit.MINUTES);
        if (sum != (long) ROUND_TRIPS * MESSAGE) {
            throw new IllegalStateException("pool ping-pong summed " + sum);
        }
        return sum;
    }

    // ---------------------------------------------------------------- ping-pong

    /** Ping and pong over two channels; {@code sum} is what came back. */
    public abstract static class PingPong {
        final Channel<Integer> there = new Channel<>();
        final Channel<Integer> back = new Channel<>();
        volatile long sum;

        void ping(int n) throws Suspendable {
            long s = 0;
            for (int i = 0; i < n; i++) {
                there.send(MESSAGE);
                s += back.receive();
            }
            sum = s;
        }

        void pong(int n) throws Suspendable {
            for (int i = 0; i < n; i++) {
                back.send(there.receive());
            }
        }

        @Setup(Level.Trial)
        public void force() {
            Switching.force(Mechanism.SOFT);
        }

        @Setup(Level.Invocation)
        public void reset() {
            sum = 0;
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

    /** Ping on one platform thread, pong on another, each a tasklet inside its thread's runAsMain. */
    @State(Scope.Thread)
    public static class CrossThread extends PingPong {
        private final CyclicBarrier bothIn = new CyclicBarrier(2);
        ThreadPair pair;
        volatile Throwable failure;

        @Setup(Level.Trial)
        public void start() {
            pair = new ThreadPair(Thread.ofPlatform().daemon(), (n, partner) -> side(true, n),
                    (n, partner) -> side(false, n));
        }

        private void side(boolean isPing, int n) {
            try {
                Stackless.runAsMain(() -> {
                    bothIn.await(); // both schedulers exist before either blocks on a channel
                    Channel<Boolean> done = new Channel<>();
                    Tasklet.spawn(() -> {
                        if (isPing) {
                            ping(n);
                        } else {
                            pong(n);
                        }
                        done.send(true);
                    });
                    done.receive();
                });
            } catch (Throwable e) {
                failure = e;
            }
        }

        @TearDown(Level.Invocation)
        public void failed() {
            if (failure != null) {
                throw new IllegalStateException("a side failed", failure);
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            pair.close();
        }
    }

    /** Ping and pong as two tasklets of the benchmark thread, spawned before each invocation. */
    @State(Scope.Thread)
    public static class SameThread extends PingPong {
        @Setup(Level.Invocation)
        public void spawn() {
            Tasklet.spawn(() -> ping(ROUND_TRIPS));
            Tasklet.spawn(() -> pong(ROUND_TRIPS));
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long pingPongCrossThread(CrossThread s) throws InterruptedException {
        s.pair.round(ROUND_TRIPS);
        return s.sum;
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long pingPongSameThread(SameThread s) throws Suspendable {
        Stackless.run();
        return s.sum;
    }

    // ---------------------------------------------------------------- blocking

    /** A tasklet that calls {@code () -> 1} {@value #CALLS} times, through blocking() or directly. */
    @State(Scope.Thread)
    public static class Calls {
        final Callable<Integer> one = () -> 1;
        long sum;

        @Setup(Level.Trial)
        public void force() {
            Switching.force(Mechanism.SOFT);
        }

        @Setup(Level.Invocation)
        public void reset() {
            sum = 0;
        }

        void viaBlocking() throws Suspendable, Exception {
            long s = 0;
            for (int i = 0; i < CALLS; i++) {
                s += Stackless.blocking(one);
            }
            sum = s;
        }

        void direct() throws Exception {
            long s = 0;
            for (int i = 0; i < CALLS; i++) {
                s += one.call();
            }
            sum = s;
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (sum != CALLS) {
                throw new IllegalStateException("expected " + CALLS + " calls, the sum says " + sum);
            }
        }

        @TearDown(Level.Trial)
        public void unforce() {
            Switching.force(null);
        }
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long blocking(Calls c) throws Suspendable {
        Tasklet.spawn(c::viaBlocking);
        Stackless.run();
        return c.sum;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long plainCall(Calls c) throws Suspendable {
        Tasklet.spawn(c::direct);
        Stackless.run();
        return c.sum;
    }
}
