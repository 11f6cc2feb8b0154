package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jstackless.Channel;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 15, work stealing: idle carriers take work from a busy one without its help. Each test
 * would time out (its bounded spin fails) if a carrier whose tasklet never switches kept its queued
 * work to itself.
 */
class WorkStealingTest {
    static final Duration JOIN = Duration.ofSeconds(60);
    static final long SPIN_LIMIT_NANOS = 30_000_000_000L;

    /** Spins, never switching, until {@code arrived} reaches {@code n} or the limit passes. */
    static boolean spinUntil(AtomicInteger arrived, int n) {
        long deadline = System.nanoTime() + SPIN_LIMIT_NANOS;
        while (arrived.get() < n) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    // issue 15: a child queued behind a tasklet that never switches is stolen and runs on another carrier
    @SwitchingTest
    void aBusyCarrierLosesItsQueuedChild() throws Throwable {
        AtomicInteger childRan = new AtomicInteger();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        try (Schedulers pool = Schedulers.start(2)) {
            pool.spawn(() -> {
                Thread parentCarrier = Stackless.current().thread();
                Tasklet.spawn(() -> {
                    if (Stackless.current().thread() == parentCarrier) {
                        errors.add("the child ran on its busy parent's carrier");
                    }
                    childRan.incrementAndGet();
                });
                // Never switches: the child can run only if another carrier takes it.
                if (!spinUntil(childRan, 1)) {
                    errors.add("the child never ran while its parent's carrier was busy");
                }
            });
            assertThat(pool.join(JOIN)).isTrue();
            assertThat(errors).isEmpty();
            assertThat(childRan.get()).isEqualTo(1);
        }
    }

    // issue 15: n children of one tasklet, each spinning until all n run at once, need every one of the n carriers: stolen work is itself stealable
    @SwitchingTest
    void stolenWorkSpreadsToEveryCarrier() throws Throwable {
        // Virtual-thread strands spin on the JDK's virtual-thread scheduler, which runs only as many
        // at once as there are cores (no preemption): more spinners than that could never all run.
        int n = Switching.forced() == Mechanism.VIRTUAL_THREAD
                ? Math.min(4, Runtime.getRuntime().availableProcessors()) : 4;
        AtomicInteger arrived = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Set<Thread> carriers = ConcurrentHashMap.newKeySet();
        try (Schedulers pool = Schedulers.start(n)) {
            pool.spawn(() -> {
                for (int i = 0; i < n - 1; i++) {
                    Tasklet.spawn(() -> {
                        carriers.add(Stackless.current().thread());
                        arrived.incrementAndGet();
                        if (!spinUntil(arrived, n)) {
                            failed.incrementAndGet();
                        }
                    });
                }
                carriers.add(Stackless.current().thread());
                arrived.incrementAndGet();
                if (!spinUntil(arrived, n)) {
                    failed.incrementAndGet();
                }
            });
            assertThat(pool.join(JOIN)).isTrue();
            assertThat(failed.get()).as("tasklets that gave up waiting for the others").isZero();
            assertThat(carriers).as("all %d ran at once, one per carrier", n).hasSize(n);
        }
    }

    // issue 15: skynet on the pool sums right, and with 2 carriers both take part in it
    @SwitchingTest
    void skynetSpreadsOverTheCarriers() throws Throwable {
        int leaves = 10_000;
        AtomicLong result = new AtomicLong(-1);
        Set<Thread> carriers = ConcurrentHashMap.newKeySet();
        try (Schedulers pool = Schedulers.start(2)) {
            pool.spawn(() -> {
                Channel<Long> top = new Channel<>();
                Tasklet.spawn(() -> skynet(top, 0, leaves, carriers));
                result.set(top.receive());
            });
            assertThat(pool.join(JOIN)).isTrue();
        }
        assertThat(result.get()).isEqualTo((long) leaves * (leaves - 1) / 2);
        assertThat(carriers).as("leaves ran on both carriers").hasSize(2);
    }

    static void skynet(Channel<Long> parent, long num, int size, Set<Thread> carriers) throws org.jstackless.Suspendable {
        if (size == 1) {
            carriers.add(Stackless.current().thread());
            if (num == 0) {
                // The first leaf holds its carrier until a leaf has run elsewhere: only a steal can end this.
                long deadline = System.nanoTime() + SPIN_LIMIT_NANOS;
                while (carriers.size() < 2 && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
            }
            parent.send(num);
            return;
        }
        Channel<Long> children = new Channel<>();
        int sub = size / 10;
        for (int i = 0; i < 10; i++) {
            long n = num + (long) i * sub;
            Tasklet.spawn(() -> skynet(children, n, sub, carriers));
        }
        long sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += children.receive();
        }
        parent.send(sum);
    }

    // issue 15: ping-pong between tasklets placed on two carriers ends up on one (the woken partner comes to the waker) and every value arrives
    @SwitchingTest
    void aRendezvousBringsThePartnerHome() throws Throwable {
        int rounds = 2_000;
        Channel<Integer> there = new Channel<>();
        Channel<Integer> back = new Channel<>();
        AtomicLong sum = new AtomicLong();
        AtomicInteger sameCarrier = new AtomicInteger();
        Thread[] pongThread = new Thread[1];
        java.util.concurrent.atomic.AtomicBoolean soft = new java.util.concurrent.atomic.AtomicBoolean();
        try (Schedulers pool = Schedulers.start(2)) {
            pool.spawn(() -> {
                for (int i = 0; i < rounds; i++) {
                    pongThread[0] = Stackless.current().thread();
                    back.send(there.receive());
                }
            });
            pool.spawn(() -> {
                long s = 0;
                soft.set(Stackless.current().isSoft());
                for (int i = 0; i < rounds; i++) {
                    there.send(i);
                    s += back.receive();
                    if (pongThread[0] == Stackless.current().thread()) {
                        sameCarrier.incrementAndGet();
                    }
                }
                sum.set(s);
            });
            assertThat(pool.join(JOIN)).isTrue();
        }
        assertThat(sum.get()).isEqualTo((long) rounds * (rounds - 1) / 2);
        if (soft.get()) {
            // Only soft tasklets move on a rendezvous (a started JDK continuation keeps its thread).
            assertThat(sameCarrier.get()).as("round trips with both on one carrier").isPositive();
        }
    }
}
