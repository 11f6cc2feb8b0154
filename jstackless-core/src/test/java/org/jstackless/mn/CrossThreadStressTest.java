package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jstackless.Channel;
import org.jstackless.ChannelClosedException;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 6, bounded cross-thread stress: two threads, each with its own scheduler, run thousands of
 * producer and consumer tasklets over shared channels while a chaos tasklet on each thread kills,
 * throws into (locally: at once; remotely: pending requests) and closes/reopens channels at random.
 * Seeded; the seed is in every assertion message ({@code -Djstackless.seed=N} replays one).
 *
 * <p>Accounting: every message id is sent at most once; a message is received at most once; a
 * message whose send returned was received, unless a consumer was disrupted (a disrupted consumer
 * can lose at most the one value in flight to it); a message received although its send was
 * disrupted needs a disrupted producer; a refused send (closed channel) is never received. Every
 * tasklet ends, none ran on a thread other than its own or on two threads at once, no deadlock.
 */
class CrossThreadStressTest {
    static final int THREADS = 2;
    static final int PRODUCERS = 1_000;      // per thread
    static final int CONSUMERS = 250;        // per thread
    static final int MESSAGES = 5;           // per producer
    static final int CHANNELS = 4;
    static final int CHAOS_ACTIONS = 300;    // per thread
    static final long TIME_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    static final int NONE = 0;
    static final int ATTEMPT = 1;
    static final int SENT = 2;
    static final int DISRUPTED = 3;
    static final int REFUSED = 4;

    static final Object STOP = "STOP";
    static final Object CLOSED = "CLOSED";

    /** Thrown into tasklets by the chaos tasklets. */
    static final class Chaos extends RuntimeException {
        Chaos() {
            super("chaos", null, false, false);
        }
    }

    /** One producer or consumer. */
    static final class Rec {
        final int index;
        final boolean producer;
        final int thread;
        volatile Tasklet tasklet;
        volatile Tasklet homeMain;
        final AtomicBoolean running = new AtomicBoolean();
        /** Set by a chaos tasklet before it kills or throws into this one. */
        volatile boolean targeted;
        volatile String end;

        Rec(int index, boolean producer, int thread) {
            this.index = index;
            this.producer = producer;
            this.thread = thread;
        }
    }

    /** The shared state of one run. */
    final class Run {
        final long seed;
        final List<Channel<Object>> chans = new ArrayList<>();
        final Rec[] all = new Rec[THREADS * (PRODUCERS + CONSUMERS)];
        final AtomicIntegerArray outcome = new AtomicIntegerArray(THREADS * PRODUCERS * MESSAGES);
        final AtomicIntegerArray received = new AtomicIntegerArray(THREADS * PRODUCERS * MESSAGES);
        final AtomicInteger producersEnded = new AtomicInteger();
        final AtomicInteger consumersEnded = new AtomicInteger();
        final AtomicInteger chaosEnded = new AtomicInteger();
        final AtomicInteger disruptedProducers = new AtomicInteger();
        final AtomicInteger disruptedConsumers = new AtomicInteger();
        final AtomicInteger chaosKills = new AtomicInteger();
        final AtomicInteger chaosThrows = new AtomicInteger();
        final AtomicInteger chaosCloses = new AtomicInteger();
        final AtomicBoolean closerDone = new AtomicBoolean();
        volatile boolean finishing;
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        final long start = System.nanoTime();

        Run(long seed) {
            this.seed = seed;
            for (int i = 0; i < CHANNELS; i++) {
                chans.add(new Channel<>());
            }
        }

        boolean timedOut() {
            return System.nanoTime() - start > TIME_LIMIT_NANOS;
        }

        boolean allDone() {
            return producersEnded.get() == THREADS * PRODUCERS && consumersEnded.get() == THREADS * CONSUMERS
                    && chaosEnded.get() == THREADS && closerDone.get();
        }

        void enter(Rec r) {
            if (!r.running.compareAndSet(false, true)) {
                errors.add("tasklet " + r.index + " runs on two threads at once");
            }
            if (Stackless.main() != r.homeMain || Stackless.current() != r.tasklet) {
                errors.add("tasklet " + r.index + " runs on the wrong thread or is not current");
            }
        }

        void leave(Rec r) {
            r.running.set(false);
        }

        void nap() throws Suspendable {
            Stackless.sleep(Duration.ofMillis(1));
        }

        void producer(Rec r) throws Suspendable {
            Random rnd = new Random(seed * 31 + r.index);
            enter(r);
            int id = -1;
            try {
                leave(r);
                Stackless.schedule(); // started
                enter(r);
                int base = (r.thread * PRODUCERS + r.index % (PRODUCERS + CONSUMERS)) * MESSAGES;
                for (int j = 0; j < MESSAGES; j++) {
                    id = base + j;
                    Channel<Object> ch = chans.get(rnd.nextInt(CHANNELS));
                    outcome.set(id, ATTEMPT);
                    leave(r);
                    try {
                        ch.send(id);
                        outcome.set(id, SENT);
                    } catch (ChannelClosedException e) {
                        outcome.set(id, REFUSED);
                    } finally {
                        enter(r);
                    }
                    id = -1;
                    if (rnd.nextInt(4) == 0) {
                        leave(r);
                        Stackless.schedule();
                        enter(r);
                    }
                }
                r.end = "done";
            } catch (TaskletExit | Chaos e) {
                if (id >= 0 && outcome.get(id) == ATTEMPT) {
                    outcome.set(id, DISRUPTED);
                }
                disruptedProducers.incrementAndGet();
                r.end = e instanceof Chaos ? "thrown" : "killed";
            } catch (Throwable e) {
                errors.add("producer " + r.index + ": " + e);
                r.end = "failed";
            } finally {
                leave(r);
                producersEnded.incrementAndGet();
            }
        }

        void consumer(Rec r, Channel<Object> ch) throws Suspendable {
            enter(r);
            try {
                leave(r);
                Stackless.schedule(); // started
                enter(r);
                while (true) {
                    Object v;
                    leave(r);
                    try {
                        v = ch.receive();
                    } catch (ChannelClosedException e) {
                        v = CLOSED;
                    } finally {
                        enter(r);
                    }
                    if (v == CLOSED) {
                        if (finishing) {
                            r.end = "closed";
                            break;
                        }
                        leave(r);
                        nap();
                        enter(r);
                        continue;
                    }
                    if (v == STOP) {
                        r.end = "stopped";
                        break;
                    }
                    int id = (Integer) v;
                    if (received.incrementAndGet(id) > 1) {
                        errors.add("message " + id + " received twice");
                    }
                }
            } catch (TaskletExit | Chaos e) {
                disruptedConsumers.incrementAndGet();
                r.end = e instanceof Chaos ? "thrown" : "killed";
            } catch (Throwable e) {
                errors.add("consumer " + r.index + ": " + e);
                r.end = "failed";
            } finally {
                leave(r);
                consumersEnded.incrementAndGet();
            }
        }

        void chaos(int thread) throws Suspendable {
            Random rnd = new Random(seed * 17 + thread);
            try {
                for (int n = 0; n < CHAOS_ACTIONS && producersEnded.get() < THREADS * PRODUCERS && !timedOut(); n++) {
                    int action = rnd.nextInt(10);
                    Rec victim = all[rnd.nextInt(all.length)];
                    try {
                        if (action < 8) {
                            victim.targeted = true;
                        }
                        if (action < 4) {
                            victim.tasklet.kill();
                            chaosKills.incrementAndGet();
                        } else if (action < 8) {
                            victim.tasklet.throwInto(new Chaos());
                            chaosThrows.incrementAndGet();
                        } else {
                            Channel<Object> c = chans.get(rnd.nextInt(CHANNELS));
                            c.close();
                            chaosCloses.incrementAndGet();
                            for (int i = rnd.nextInt(5); i >= 0; i--) {
                                Stackless.schedule();
                            }
                            c.open();
                        }
                    } catch (IllegalStateException e) {
                        // the victim is dead already ("You cannot throw to a dead tasklet")
                    }
                    for (int i = rnd.nextInt(6); i >= 0; i--) {
                        Stackless.schedule();
                    }
                }
            } catch (Throwable e) {
                errors.add("chaos " + thread + ": " + e);
            } finally {
                chaosEnded.incrementAndGet();
            }
        }

        /** Ends the consumers once the producers are done: close the channels, then hand STOP to every waiting receiver. */
        void closer() throws Suspendable {
            try {
                while (!(producersEnded.get() == THREADS * PRODUCERS && chaosEnded.get() == THREADS) && !timedOut()) {
                    nap();
                }
                finishing = true;
                for (Channel<Object> c : chans) {
                    c.close();
                }
                Stackless.current().setBlockTrap(true); // a STOP never blocks: only to a waiting receiver
                while (consumersEnded.get() < THREADS * CONSUMERS && !timedOut()) {
                    for (Channel<Object> c : chans) {
                        while (c.balance() < 0) {
                            try {
                                c.send(STOP);
                            } catch (IllegalStateException e) {
                                break; // the receiver went away meanwhile
                            }
                        }
                    }
                    nap();
                }
            } catch (Throwable e) {
                errors.add("closer: " + e);
            } finally {
                closerDone.set(true);
            }
        }

        /** One thread's main. */
        void thread(int t, CyclicBarrier created) throws Exception {
            Stackless.runAsMain(() -> {
                Tasklet main = Stackless.main();
                int per = PRODUCERS + CONSUMERS;
                for (int i = 0; i < per; i++) {
                    boolean producer = i < PRODUCERS;
                    Rec r = new Rec(t * per + i, producer, t);
                    r.homeMain = main;
                    Channel<Object> ch = chans.get(i % CHANNELS);
                    r.tasklet = Tasklet.spawn(producer ? () -> producer(r) : () -> consumer(r, ch));
                    all[r.index] = r;
                }
                Stackless.schedule(); // every tasklet starts (so that a kill never hits an unstarted body)
                created.await(30, TimeUnit.SECONDS);
                Tasklet.spawn(() -> chaos(t));
                if (t == 0) {
                    Tasklet.spawn(this::closer);
                }
                while (!allDone()) {
                    if (timedOut()) {
                        errors.add("thread " + t + " timed out: producers ended " + producersEnded + ", consumers ended "
                                + consumersEnded + ", chaos ended " + chaosEnded + ", closer done " + closerDone);
                        break;
                    }
                    Stackless.run();
                    if (!allDone()) {
                        Stackless.sleep(Duration.ofMillis(1));
                    }
                }
                for (int i = 0; i < per; i++) {
                    Rec r = all[t * per + i];
                    if (r.tasklet.isAlive()) {
                        errors.add("tasklet " + r.index + " still alive at the end");
                    }
                }
            });
        }
    }

    // issue 6: channel operations across threads are safe; a tasklet never runs on two threads at once
    @SwitchingTest
    void producersConsumersAndChaosOnTwoThreads() throws Throwable {
        long seed = Long.getLong("jstackless.seed", System.nanoTime());
        Run run = new Run(seed);
        CyclicBarrier created = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < THREADS; t++) {
            int k = t;
            Thread th = new Thread(() -> {
                try {
                    run.thread(k, created);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "stress-" + t);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(TimeUnit.NANOSECONDS.toMillis(TIME_LIMIT_NANOS) + 30_000);
        }
        String ctx = "seed " + seed + " (-Djstackless.seed=" + seed + ")";
        for (Thread th : threads) {
            assertThat(th.isAlive()).as("%s: thread %s ended", ctx, th.getName()).isFalse();
        }
        assertThat(failures).as("%s: failures of the threads", ctx).isEmpty();
        assertThat(run.errors).as("%s: errors", ctx).isEmpty();

        int sentOk = 0;
        int refused = 0;
        int lost = 0;
        int receivedDespiteDisruption = 0;
        int neverAttempted = 0;
        List<String> bad = new ArrayList<>();
        for (int id = 0; id < run.outcome.length(); id++) {
            int o = run.outcome.get(id);
            int r = run.received.get(id);
            if (r > 1) {
                bad.add("message " + id + " received " + r + " times");
            }
            switch (o) {
                case SENT -> {
                    sentOk++;
                    if (r == 0) {
                        lost++;
                    }
                }
                case DISRUPTED -> {
                    if (r == 1) {
                        receivedDespiteDisruption++;
                    }
                }
                case REFUSED -> {
                    refused++;
                    if (r != 0) {
                        bad.add("message " + id + " refused by a closed channel but received");
                    }
                }
                case NONE -> {
                    neverAttempted++;
                    if (r != 0) {
                        bad.add("message " + id + " never sent but received");
                    }
                }
                default -> bad.add("message " + id + " left in state " + o + " (a send that never finished)");
            }
        }
        String stats = String.format("%s: sent %d, refused %d, lost %d, received despite disrupted send %d, never attempted %d;"
                + " disrupted producers %d, consumers %d; chaos kills %d, throws %d, closes %d", ctx, sentOk, refused, lost,
                receivedDespiteDisruption, neverAttempted, run.disruptedProducers.get(), run.disruptedConsumers.get(),
                run.chaosKills.get(), run.chaosThrows.get(), run.chaosCloses.get());
        System.out.println("CrossThreadStressTest: " + stats);
        assertThat(bad).as(stats).isEmpty();
        assertThat(lost).as("%s: a sent message is lost only with a disrupted consumer", stats)
                .isLessThanOrEqualTo(run.disruptedConsumers.get());
        assertThat(receivedDespiteDisruption).as("%s: only a disrupted producer's message may arrive", stats)
                .isLessThanOrEqualTo(run.disruptedProducers.get());
        assertThat(run.producersEnded.get()).as(stats).isEqualTo(THREADS * PRODUCERS);
        assertThat(run.consumersEnded.get()).as(stats).isEqualTo(THREADS * CONSUMERS);
        assertThat(sentOk).as("%s: most messages get through", stats).isGreaterThan(THREADS * PRODUCERS * MESSAGES / 2);
        for (Rec r : run.all) {
            assertThat(r.end).as("%s: how tasklet %d ended", stats, r.index).isNotNull();
            if (r.end.equals("killed") || r.end.equals("thrown")) {
                assertThat(r.targeted).as("%s: tasklet %d was %s but no chaos tasklet targeted it (a kill or throw meant "
                        + "for another tasklet reached it)", stats, r.index, r.end).isTrue();
            }
        }
    }
}
