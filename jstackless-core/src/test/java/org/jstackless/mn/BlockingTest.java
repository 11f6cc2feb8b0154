package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.testing.SwitchingTest;
import org.junit.jupiter.api.AfterEach;

/**
 * Issue 6: {@link Stackless#blocking} parks the calling tasklet, runs the call on the blocking pool
 * and re-queues the tasklet with the result or the exception; the scheduler keeps running the other
 * tasklets and sleeps (no spinning) while only offloaded work is pending.
 */
class BlockingTest {

    @AfterEach
    void restoreDefaultPool() {
        Stackless.setBlockingPool(null, Integer.MAX_VALUE);
    }

    // issue 6: "10 tasklets each calling a 100 ms blocking call finish in about 100 ms, not 1 s"
    @SwitchingTest
    void tenBlockingCallsOverlap() throws Throwable {
        Stackless.runAsMain(() -> {
            int n = 10;
            Integer[] results = new Integer[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                Tasklet.spawn(() -> results[k] = Stackless.blocking(() -> {
                    Thread.sleep(100);
                    return k * k;
                }));
            }
            long t0 = System.nanoTime();
            Stackless.run();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(results).containsExactly(0, 1, 4, 9, 16, 25, 36, 49, 64, 81);
            assertThat(ms).as("10 x 100 ms blocking calls overlap (serially they take 1000 ms)").isLessThan(600);
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // issue 6: results and exceptions (checked ones too) are delivered to the waiting tasklet
    @SwitchingTest
    void resultAndExceptionsDelivered() throws Throwable {
        Stackless.runAsMain(() -> {
            IOException checked = new IOException("checked");
            IllegalArgumentException unchecked = new IllegalArgumentException("unchecked");
            StackOverflowError error = new StackOverflowError("error");
            List<Object> got = Collections.synchronizedList(new ArrayList<>());
            Tasklet.spawn(() -> got.add(Stackless.blocking(() -> "value")));
            Tasklet.spawn(() -> got.add(Stackless.blocking(() -> null) == null ? "null" : "not null"));
            Tasklet.spawn(() -> {
                try {
                    Stackless.blocking(() -> {
                        throw checked;
                    });
                    got.add("no exception");
                } catch (IOException e) {
                    got.add(e);
                }
            });
            Tasklet.spawn(() -> {
                try {
                    Stackless.blocking(() -> {
                        throw unchecked;
                    });
                    got.add("no exception");
                } catch (IllegalArgumentException e) {
                    got.add(e);
                }
            });
            Tasklet.spawn(() -> {
                try {
                    Stackless.blocking(() -> {
                        throw error;
                    });
                    got.add("no exception");
                } catch (StackOverflowError e) {
                    got.add(e);
                }
            });
            Stackless.run();
            assertThat(got).containsExactlyInAnyOrder("value", "null", checked, unchecked, error);
        });
    }

    // issue 6: an exception a blocking call throws and the tasklet does not catch goes to the watchdog (spec §5.3)
    @SwitchingTest
    void uncaughtExceptionOfBlockingCallReachesRun() throws Throwable {
        Stackless.runAsMain(() -> {
            IOException boom = new IOException("boom");
            Tasklet t = Tasklet.spawn(() -> Stackless.blocking(() -> {
                throw boom;
            }));
            assertThatThrownBy(Stackless::run).isSameAs(boom);
            assertThat(t.isAlive()).isFalse();
        });
    }

    // issue 6: "the scheduler keeps running other tasklets meanwhile"
    @SwitchingTest
    void otherTaskletsRunWhileACallIsPending() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch released = new CountDownLatch(1);
            Tasklet.spawn(() -> {
                events.add("a: call");
                // Returns true only if tasklet b ran while this call was pending.
                boolean sawB = Stackless.blocking(() -> released.await(10, TimeUnit.SECONDS));
                events.add("a: returned " + sawB);
            });
            Tasklet.spawn(() -> {
                for (int i = 0; i < 3; i++) {
                    events.add("b" + i);
                    Stackless.schedule();
                }
                released.countDown();
                events.add("b: released");
            });
            Stackless.run();
            assertThat(events).containsExactly("a: call", "b0", "b1", "b2", "b: released", "a: returned true");
        });
    }

    // issue 6: main may call blocking() directly; the other tasklets run nested meanwhile
    @SwitchingTest
    void mainCallsBlockingDirectly() throws Throwable {
        Stackless.runAsMain(() -> {
            assertThat((Integer) Stackless.blocking(() -> 42)).isEqualTo(42);
            CountDownLatch released = new CountDownLatch(1);
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            Tasklet.spawn(() -> {
                events.add("t runs");
                released.countDown();
            });
            boolean sawT = Stackless.blocking(() -> released.await(10, TimeUnit.SECONDS));
            events.add("main returned " + sawT);
            assertThat(events).containsExactly("t runs", "main returned true");
            assertThat(Stackless.current()).isSameAs(Stackless.main());
            assertThatThrownBy(() -> Stackless.blocking(() -> {
                throw new IOException("from main's call");
            })).isInstanceOf(IOException.class).hasMessage("from main's call");
        });
    }

    // issue 6: "sleeps (no spinning) when only offloaded work is pending"
    @SwitchingTest
    void threadDoesNotSpinWhileOnlyBlockingCallsArePending() throws Throwable {
        Stackless.runAsMain(() -> {
            // a tasklet waits, main is inside run()
            Tasklet.spawn(() -> Stackless.blocking(() -> {
                Thread.sleep(300);
                return null;
            }));
            long cpu0 = Cpu.currentThreadNanos();
            long t0 = System.nanoTime();
            Stackless.run();
            long wall = System.nanoTime() - t0;
            long cpu = Cpu.currentThreadNanos() - cpu0;
            assertThat(wall).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            assertThat(cpu).as("CPU time of the scheduler thread during a 300 ms wait: %d ms", cpu / 1_000_000)
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(100));

            // main itself waits
            cpu0 = Cpu.currentThreadNanos();
            Stackless.blocking(() -> {
                Thread.sleep(300);
                return null;
            });
            cpu = Cpu.currentThreadNanos() - cpu0;
            assertThat(cpu).as("CPU time of the scheduler thread while main waits 300 ms: %d ms", cpu / 1_000_000)
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
        });
    }

    // issue 6: "kill() of a tasklet waiting on a blocking call delivers TaskletExit when the call returns"
    @SwitchingTest
    void killOfWaitingTaskletTakesEffectWhenTheCallReturns() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean callInterrupted = new AtomicBoolean();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Object r = Stackless.blocking(() -> {
                        started.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            callInterrupted.set(true);
                            throw e;
                        }
                        events.add("call returns");
                        return "result";
                    });
                    events.add("t got " + r);
                } catch (TaskletExit e) {
                    events.add("t: TaskletExit");
                    throw e;
                }
            });
            Stackless.schedule(); // t starts its call and parks
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            t.kill();
            assertThat(t.isAlive()).as("the kill waits for the call").isTrue();
            assertThat(events).isEmpty();
            release.countDown();
            Stackless.run();
            assertThat(events).containsExactly("call returns", "t: TaskletExit");
            assertThat(callInterrupted).isFalse();
            assertThat(t.isAlive()).isFalse();
        });
    }

    // issue 6: "blockingInterruptible interrupts the worker" when the waiting tasklet is killed
    @SwitchingTest
    void killOfInterruptibleCallInterruptsTheWorker() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean callInterrupted = new AtomicBoolean();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.blockingInterruptible(() -> {
                        started.countDown();
                        try {
                            Thread.sleep(20_000);
                        } catch (InterruptedException e) {
                            callInterrupted.set(true);
                            throw e;
                        }
                        return "slept";
                    });
                    events.add("t returned normally");
                } catch (TaskletExit e) {
                    events.add("t: TaskletExit");
                    throw e;
                } catch (InterruptedException e) {
                    events.add("t: InterruptedException instead of TaskletExit");
                }
            });
            Stackless.schedule();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            t.kill();
            Stackless.run();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(callInterrupted).as("the worker was interrupted").isTrue();
            assertThat(events).containsExactly("t: TaskletExit");
            assertThat(ms).as("the kill did not wait for the 20 s call").isLessThan(10_000);
            assertThat(t.isAlive()).isFalse();
            // the pool thread's interrupt does not leak into the next call
            assertThat((Boolean) Stackless.blocking(() -> Thread.currentThread().isInterrupted())).isFalse();
        });
    }

    // issue 6: setBlockingPool(executor, maxConcurrent) bounds how many calls run at once
    @SwitchingTest
    void boundedPoolRunsAtMostMaxConcurrentCalls() throws Throwable {
        ExecutorService exec = Executors.newFixedThreadPool(8, r -> new Thread(r, "test-blocking-pool"));
        try {
            Stackless.setBlockingPool(exec, 2);
            Stackless.runAsMain(() -> {
                AtomicInteger running = new AtomicInteger();
                AtomicInteger maxRunning = new AtomicInteger();
                List<String> threads = Collections.synchronizedList(new ArrayList<>());
                List<Integer> done = Collections.synchronizedList(new ArrayList<>());
                List<String> otherEvents = Collections.synchronizedList(new ArrayList<>());
                for (int i = 0; i < 6; i++) {
                    int k = i;
                    Tasklet.spawn(() -> done.add(Stackless.blocking(() -> {
                        int now = running.incrementAndGet();
                        maxRunning.accumulateAndGet(now, Math::max);
                        threads.add(Thread.currentThread().getName());
                        Thread.sleep(100);
                        running.decrementAndGet();
                        return k;
                    })));
                }
                // a full pool does not stall the tasklets that do not block
                Tasklet.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        otherEvents.add("tick" + i);
                        Stackless.schedule();
                    }
                });
                Stackless.run();
                assertThat(done).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
                assertThat(maxRunning.get()).as("calls running at once").isEqualTo(2);
                assertThat(threads).as("calls run on the configured executor").allMatch("test-blocking-pool"::equals);
                assertThat(otherEvents).containsExactly("tick0", "tick1", "tick2");
            });
        } finally {
            Stackless.setBlockingPool(null, Integer.MAX_VALUE);
            exec.shutdownNow();
        }
    }

    // issue 6: maxConcurrent must be at least 1
    @SwitchingTest
    void boundBelowOneIsRejected() {
        assertThatThrownBy(() -> Stackless.setBlockingPool(null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // issue 6: the default pool runs calls on virtual threads, never on the scheduler's thread
    @SwitchingTest
    void defaultPoolUsesVirtualThreads() throws Throwable {
        Stackless.runAsMain(() -> {
            Thread me = Thread.currentThread();
            AtomicReference<Thread> worker = new AtomicReference<>();
            Stackless.blocking(() -> {
                worker.set(Thread.currentThread());
                return null;
            });
            assertThat(worker.get()).isNotSameAs(me);
            assertThat(worker.get().isVirtual()).isTrue();
        });
    }
}
