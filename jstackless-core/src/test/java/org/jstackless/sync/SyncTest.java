package org.jstackless.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jstackless.Channel;
import org.jstackless.DeadlockException;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.jstackless.testing.SwitchingTest;

/**
 * The tasklet-aware primitives of issue 13 ({@link Lock}, {@link Semaphore}, {@link Condition},
 * {@link Event}): they exclude or wait per tasklet (not per thread), serve waiters in arrival order,
 * survive kills of waiters, and work across threads; in every switching mechanism.
 */
class SyncTest {

    // issue 13: "followed with a ReentrantLock, two tasklets of one thread were inside it at once"; a Lock is per tasklet
    @SwitchingTest
    void lockExcludesTaskletsOfOneThreadAcrossASwitch() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> trace = new ArrayList<>();
            ReentrantLock threadLock = new ReentrantLock();
            // (With the virtual-thread fallback each tasklet has a thread of its own, so there the
            // thread's lock would block b's thread for good; the point is shown on the others.)
            boolean ownThreads = Switching.forced() == Mechanism.VIRTUAL_THREAD;
            for (String n : ownThreads ? List.<String>of() : List.of("a", "b")) {
                Tasklet.spawn(() -> {
                    threadLock.lock(); // the thread's lock: both tasklets get it
                    try {
                        trace.add(n + " in thread lock, holds " + threadLock.getHoldCount());
                        Stackless.schedule();
                    } finally {
                        threadLock.unlock();
                    }
                });
            }
            Stackless.run();
            if (!ownThreads) {
                assertThat(trace).containsExactly("a in thread lock, holds 1", "b in thread lock, holds 2");
            }

            trace.clear();
            Lock lock = new Lock();
            for (String n : List.of("a", "b", "c")) {
                Tasklet.spawn(() -> {
                    lock.acquire();
                    try {
                        trace.add(n + " in");
                        Stackless.schedule(); // the others run meanwhile and wait in acquire()
                        trace.add(n + " out");
                    } finally {
                        lock.release();
                    }
                });
            }
            Stackless.run();
            assertThat(trace).containsExactly("a in", "a out", "b in", "b out", "c in", "c out");
            assertThat(lock.isLocked()).isFalse();
        });
    }

    @SwitchingTest
    void lockIsReentrantAndOwnedByItsTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            Lock lock = new Lock();
            lock.acquire();
            lock.acquire();
            assertThat(lock.isHeldByCurrent()).isTrue();
            assertThat(lock.owner()).isSameAs(Stackless.current());
            List<Object> seen = new ArrayList<>();
            Tasklet other = Tasklet.spawn(() -> {
                seen.add(lock.tryAcquire());
                try {
                    lock.release();
                } catch (IllegalStateException e) {
                    seen.add(e.getMessage());
                }
            });
            Stackless.run();
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0)).isEqualTo(false);
            assertThat((String) seen.get(1)).startsWith("release() by " + other).contains("held by " + Stackless.main());
            lock.release();
            assertThat(lock.isLocked()).as("one hold left").isTrue();
            lock.release();
            assertThat(lock.isLocked()).isFalse();
            assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("not held");
        });
    }

    // a waiter that is killed leaves the queue; a permit already on its way to it goes to the next waiter
    @SwitchingTest
    void killedWaitersLeaveTheQueue() throws Throwable {
        Stackless.runAsMain(() -> {
            Semaphore sem = new Semaphore(0);
            List<String> trace = new ArrayList<>();
            List<Tasklet> ts = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                ts.add(Tasklet.spawn(() -> {
                    try {
                        sem.acquire();
                        trace.add(n + " got it");
                    } catch (TaskletExit e) {
                        trace.add(n + " killed");
                        throw e;
                    }
                }));
            }
            Stackless.run();
            assertThat(sem.waiting()).isEqualTo(3);
            assertThat(ts.get(0).isBlocked()).as("a waiter is blocked on a channel").isTrue();
            if (Switching.forced() == Mechanism.SOFT) {
                // the primitives are woven: a waiter suspended in one is plain data (what pickling needs)
                assertThat(ts.get(0).isSoft()).isTrue();
                assertThat(ts.get(0).isRestorable()).isTrue();
                assertThat(ts.get(0).recursionDepth()).as("body > acquire > park").isGreaterThanOrEqualTo(3);
            }
            ts.get(1).kill(); // not picked yet: withdraws
            assertThat(sem.waiting()).isEqualTo(2);
            sem.release();    // picks a, which becomes runnable with its permit...
            ts.get(0).kill(); // ...and is killed before it runs: the permit goes on to c
            Stackless.run();
            assertThat(trace).containsExactly("b killed", "a killed", "c got it");
            assertThat(sem.availablePermits()).isZero();
            assertThat(sem.waiting()).isZero();
        });
    }

    @SwitchingTest
    void semaphoreBoundsHowManyAreInside() throws Throwable {
        Stackless.runAsMain(() -> {
            Semaphore slots = new Semaphore(2);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int k = i;
                Tasklet.spawn(() -> {
                    slots.acquire();
                    try {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        order.add(k);
                        Stackless.schedule();
                        Stackless.schedule();
                        inside.decrementAndGet();
                    } finally {
                        slots.release();
                    }
                });
            }
            Stackless.run();
            assertThat(most.get()).isEqualTo(2);
            assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
            assertThat(slots.availablePermits()).isEqualTo(2);
            assertThat(slots.tryAcquire()).isTrue();
            assertThat(slots.tryAcquire()).isTrue();
            assertThat(slots.tryAcquire()).isFalse();
        });
        assertThatThrownBy(() -> new Semaphore(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @SwitchingTest
    void conditionHandsOffBetweenProducerAndConsumer() throws Throwable {
        Stackless.runAsMain(() -> {
            Lock lock = new Lock();
            Condition nonEmpty = new Condition(lock);
            List<Integer> items = new ArrayList<>();
            List<String> trace = new ArrayList<>();
            for (String n : List.of("c1", "c2")) {
                Tasklet.spawn(() -> {
                    for (int i = 0; i < 2; i++) {
                        lock.acquire();
                        try {
                            while (items.isEmpty()) {
                                nonEmpty.await();
                                assertThat(lock.isHeldByCurrent()).as("await returns holding the lock").isTrue();
                            }
                            trace.add(n + " took " + items.remove(0));
                        } finally {
                            lock.release();
                        }
                    }
                });
            }
            Stackless.run(); // both consumers wait
            assertThat(nonEmpty.waiting()).isEqualTo(2);
            assertThatThrownBy(nonEmpty::signal).isInstanceOf(IllegalStateException.class).hasMessageContaining("not held");
            for (int v = 1; v <= 4; v++) {
                lock.acquire();
                try {
                    items.add(v);
                    nonEmpty.signal();
                } finally {
                    lock.release();
                }
                Stackless.run();
            }
            assertThat(trace).containsExactly("c1 took 1", "c2 took 2", "c1 took 3", "c2 took 4");
            assertThat(lock.isLocked()).isFalse();
        });
    }

    @SwitchingTest
    void eventWakesEveryWaiter() throws Throwable {
        Stackless.runAsMain(() -> {
            Event ready = new Event();
            List<String> trace = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                Tasklet.spawn(() -> {
                    ready.await();
                    trace.add(n);
                });
            }
            Stackless.run();
            assertThat(trace).isEmpty();
            assertThat(ready.waiting()).isEqualTo(3);
            ready.set();
            assertThat(trace).as("set() does not switch").isEmpty();
            Stackless.run();
            assertThat(trace).containsExactly("a", "b", "c");
            ready.await(); // set: returns at once
            ready.clear();
            assertThat(ready.isSet()).isFalse();
        });
    }

    // spec §5.4: a tasklet waiting with nobody left to wake it gets the deadlock error, as on any channel
    @SwitchingTest
    void waitingWithNobodyToWakeIsADeadlock() throws Throwable {
        List<Object> out = Collections.synchronizedList(new ArrayList<>());
        Thread th = new Thread(() -> {
            try {
                Stackless.runAsMain(() -> new Event().await());
            } catch (DeadlockException e) {
                out.add("deadlock");
            } catch (Exception e) {
                out.add(e);
            }
        });
        th.start();
        th.join(20_000);
        assertThat(out).containsExactly("deadlock");
    }

    // issue 13: the primitives work between tasklets of different threads (a pool of two carriers)
    @SwitchingTest
    void lockAcrossCarrierThreads() throws Throwable {
        Lock lock = new Lock();
        int[] counter = {0};
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        Channel<Integer> done = new Channel<>();
        int n = 40;
        try (Schedulers pool = Schedulers.start(2)) {
            for (int i = 0; i < n; i++) {
                pool.spawn(() -> {
                    for (int r = 0; r < 5; r++) {
                        lock.acquire();
                        try {
                            if (inside.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            int v = counter[0];
                            Stackless.schedule(); // a switch inside the critical section
                            counter[0] = v + 1;
                            inside.decrementAndGet();
                        } finally {
                            lock.release();
                        }
                    }
                    done.send(1);
                });
            }
            pool.spawn(() -> {
                for (int i = 0; i < n; i++) {
                    done.receive();
                }
            });
            assertThat(pool.join(java.time.Duration.ofSeconds(60))).isTrue();
        }
        assertThat(overlaps.get()).isZero();
        assertThat(counter[0]).isEqualTo(5 * n);
        assertThat(lock.isLocked()).isFalse();
    }
}
