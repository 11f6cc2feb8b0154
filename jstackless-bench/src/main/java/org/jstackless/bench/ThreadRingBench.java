package org.jstackless.bench;

import java.util.concurrent.Semaphore;
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

/**
 * Question: what does one hop of the thread-ring benchmark cost — {@value #RING} tasks in a ring,
 * each receiving a token from its predecessor and passing it to its successor — per jstackless
 * mechanism, next to the raw JDK continuation, platform threads, virtual threads and Kotlin
 * coroutines? (Target: ≤ 30 ns per hop, soft.)
 *
 * <p>How: the token is one preallocated mutable object holding the hops left (nobody pays for
 * boxing); each hop decrements it and hands it on. Score = time per hop
 * ({@code @OperationsPerInvocation}). Each invocation makes {@value #HOPS} hops (the 10 M
 * hops are reached over the measurement's invocations), the thread rows {@value #THREAD_HOPS}
 * (a hop between threads costs microseconds):
 * <ul>
 *   <li>{@code jstackless} per {@code mechanism}: {@value #RING} tasklets on {@value #RING}
 *       {@code Channel}s, spawned before each invocation (outside the timing; 503 spawns against a
 *       million hops); tasklet 0 starts with the token; when it runs out, a stop token goes round
 *       once so that every tasklet ends and {@code Stackless.run()} returns.</li>
 *   <li>{@code rawContinuation}: the floor: {@value #RING} continuations that decrement and yield,
 *       run round-robin by a loop (no channel, no scheduler).</li>
 *   <li>{@code platformThreads}, {@code virtualThreads}: {@value #RING} long-lived threads on
 *       {@value #RING} {@code SynchronousQueue}s (the JDK's rendezvous channel).</li>
 *   <li>{@code kotlin}: {@value #RING} coroutines in one {@code runBlocking} on rendezvous
 *       {@code Channel}s, the same protocol as the tasklets.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class ThreadRingBench {
    static final int RING = 503;
    static final int HOPS = 1_000_000;
    static final int THREAD_HOPS = 50_000;

    /** The token: the hops left; negative once the ring is stopping. */
    static final class Token {
        int left;
    }

    /** The ring of tasklets of the forced mechanism. */
    @State(Scope.Thread)
    public static class Tasklets {
        @Param({"SOFT", "CONTINUATION", "VIRTUAL_THREAD"})
        public String mechanism;
        final Token token = new Token();
        int finisher;
        int ended;

        @Setup(Level.Trial)
        public void force() {
            Switching.force(Mechanism.valueOf(mechanism));
        }

        @Setup(Level.Invocation)
        public void spawn() {
            token.left = HOPS;
            finisher = -1;
            ended = 0;
            @SuppressWarnings("unchecked")
            Channel<Token>[] ring = new Channel[RING];
            for (int i = 0; i < RING; i++) {
                ring[i] = new Channel<>();
            }
            for (int i = 0; i < RING; i++) {
                int me = i;
                Tasklet.spawn(() -> node(me, ring[me], ring[(me + 1) % RING]));
            }
        }

        private void node(int me, Channel<Token> in, Channel<Token> out) throws Suspendable {
            Token t = me == 0 ? token : in.receive();
            while (t.left > 0) {
                t.left--;
                out.send(t);
                t = in.receive();
            }
            if (t.left == 0) {
                finisher = me;
                t.left = -1;
                out.send(t);
            } else if ((me + 1) % RING != finisher) {
                out.send(t);
            }
            ended++;
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (ended != RING || finisher < 0) {
                throw new IllegalStateException("the ring did not finish: " + ended + " tasklets ended");
            }
        }

        @TearDown(Level.Trial)
        public void unforce() {
            Switching.force(null);
        }
    }

    /** The ring of continuations. */
    @State(Scope.Thread)
    public static class RawContinuations {
        private static final ContinuationScope SCOPE = new ContinuationScope("bench");
        final Token token = new Token();
        final Continuation[] ring = new Continuation[RING];

        @Setup
        public void create() {
            for (int i = 0; i < RING; i++) {
                ring[i] = new Continuation(SCOPE, this::decrementForever);
            }
        }

        private void decrementForever() {
            while (true) {
                token.left--;
                Continuation.yield(SCOPE);
            }
        }
    }

    /** A ring of long-lived threads on SynchronousQueues. */
    abstract static class Threads {
        final Token token = new Token();
        final Semaphore done = new Semaphore(0);
        @SuppressWarnings("unchecked")
        final SynchronousQueue<Token>[] ring = new SynchronousQueue[RING];
        final Thread[] threads = new Thread[RING];

        void start(Thread.Builder builder) {
            for (int i = 0; i < RING; i++) {
                ring[i] = new SynchronousQueue<>();
            }
            for (int i = 0; i < RING; i++) {
                SynchronousQueue<Token> in = ring[i];
                SynchronousQueue<Token> out = ring[(i + 1) % RING];
                threads[i] = builder.start(() -> {
                    try {
                        while (true) {
                            Token t = in.take();
                            if (t.left > 0) {
                                t.left--;
                                out.put(t);
                            } else {
                                done.release();
                            }
                        }
                    } catch (InterruptedException e) {
                        // stop()
                    }
                });
            }
        }

        void round(int hops) throws InterruptedException {
            token.left = hops;
            ring[0].put(token);
            done.acquire();
        }

        @TearDown
        public void stop() throws InterruptedException {
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @State(Scope.Thread)
    public static class PlatformThreads extends Threads {
        @Setup
        public void start() {
            start(Thread.ofPlatform().daemon());
        }
    }

    @State(Scope.Thread)
    public static class VirtualThreads extends Threads {
        @Setup
        public void start() {
            start(Thread.ofVirtual());
        }
    }

    /** The Kotlin ring: the same protocol as the tasklets. */
    @State(Scope.Thread)
    public static class KotlinRing {
        final Token token = new Token();
        int finisher;
        int ended;
    }

    /** One coroutine of the Kotlin ring, as kotlinc compiles it. */
    static final class KotlinNode extends Kt.Frame {
        private final KotlinRing ring;
        private final int me;
        private final kotlinx.coroutines.channels.Channel<Token> in;
        private final kotlinx.coroutines.channels.Channel<Token> out;

        KotlinNode(kotlin.coroutines.Continuation<?> c, KotlinRing ring, int me,
                kotlinx.coroutines.channels.Channel<Token> in, kotlinx.coroutines.channels.Channel<Token> out) {
            super(c);
            this.ring = ring;
            this.me = me;
            this.in = in;
            this.out = out;
        }

        @Override
        Object step(Object r) {
            while (true) {
                switch (label) {
                    case 0 -> { // receive (tasklet 0 starts with the token)
                        label = 1;
                        if (me == 0) {
                            r = ring.token;
                        } else {
                            r = in.receive(this);
                            if (r == Kt.SUSPENDED) {
                                return r;
                            }
                        }
                    }
                    case 1 -> { // got a token: pass it on
                        Token t = (Token) r;
                        if (t.left > 0) {
                            t.left--;
                            label = 2;
                        } else if (t.left == 0) {
                            ring.finisher = me;
                            t.left = -1;
                            label = 3;
                        } else if ((me + 1) % RING != ring.finisher) {
                            label = 3;
                        } else {
                            ring.ended++;
                            return Unit.INSTANCE;
                        }
                        if (out.send(t, this) == Kt.SUSPENDED) {
                            return Kt.SUSPENDED;
                        }
                    }
                    case 2 -> { // sent: receive again
                        label = 1;
                        r = in.receive(this);
                        if (r == Kt.SUSPENDED) {
                            return r;
                        }
                    }
                    default -> { // sent the stop token: end
                        ring.ended++;
                        return Unit.INSTANCE;
                    }
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public void jstackless(Tasklets s) throws Suspendable {
        Stackless.run();
    }

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public void rawContinuation(RawContinuations s) {
        Continuation[] ring = s.ring;
        s.token.left = HOPS;
        for (int i = 0; s.token.left > 0; i = i + 1 == RING ? 0 : i + 1) {
            ring[i].run();
        }
    }

    @Benchmark
    @OperationsPerInvocation(THREAD_HOPS)
    public void platformThreads(PlatformThreads s) throws InterruptedException {
        s.round(THREAD_HOPS);
    }

    @Benchmark
    @OperationsPerInvocation(THREAD_HOPS)
    public void virtualThreads(VirtualThreads s) throws InterruptedException {
        s.round(THREAD_HOPS);
    }

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public void kotlin(KotlinRing s) {
        s.token.left = HOPS;
        s.finisher = -1;
        s.ended = 0;
        @SuppressWarnings("unchecked")
        kotlinx.coroutines.channels.Channel<Token>[] ring = new kotlinx.coroutines.channels.Channel[RING];
        for (int i = 0; i < RING; i++) {
            ring[i] = Kt.rendezvous();
        }
        Kt.runBlocking(scope -> {
            for (int i = 0; i < RING; i++) {
                int me = i;
                Kt.launch(scope, c -> new KotlinNode(c, s, me, ring[me], ring[(me + 1) % RING]));
            }
        });
        if (s.ended != RING) {
            throw new IllegalStateException("kotlin: the ring did not finish: " + s.ended);
        }
    }
}
