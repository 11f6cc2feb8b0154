package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 6: {@link Stackless#sleep} keeps sleepers in the scheduler's timer queue (no thread per
 * sleeper); the other tasklets keep running.
 */
class SleepTest {

    // issue 6: sleepers wake in the order of their deadlines, not of their calls
    @SwitchingTest
    void sleepersWakeByDeadline() throws Throwable {
        Stackless.runAsMain(() -> {
            List<Integer> woke = new ArrayList<>();
            for (int ms : new int[] {150, 50, 250, 100, 200}) {
                Tasklet.spawn(() -> {
                    Stackless.sleep(Duration.ofMillis(ms));
                    woke.add(ms);
                });
            }
            long t0 = System.nanoTime();
            Stackless.run();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(woke).containsExactly(50, 100, 150, 200, 250);
            assertThat(ms).as("the sleeps overlap").isGreaterThanOrEqualTo(250).isLessThan(2_000);
        });
    }

    // issue 6: a sleep lasts at least its duration, in main and in a tasklet
    @SwitchingTest
    void sleepLastsAtLeastItsDuration() throws Throwable {
        Stackless.runAsMain(() -> {
            long t0 = System.nanoTime();
            Stackless.sleep(Duration.ofMillis(120));
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(120));
            List<String> events = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                long s = System.nanoTime();
                Stackless.sleep(Duration.ofMillis(80));
                events.add(System.nanoTime() - s >= TimeUnit.MILLISECONDS.toNanos(80) ? "slept enough" : "woke early");
            });
            Stackless.run();
            assertThat(events).containsExactly("slept enough");
            assertThat(t.isAlive()).isFalse();
        });
    }

    // issue 6: sleep(0) acts like schedule(): the caller stays runnable and the others run first
    @SwitchingTest
    void sleepZeroActsLikeSchedule() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> events = new ArrayList<>();
            Tasklet.spawn(() -> {
                events.add("a1");
                int before = Stackless.runCount();
                Stackless.sleep(Duration.ZERO);
                events.add("a2");
                events.add("runCount " + before + "->" + Stackless.runCount());
            });
            Tasklet.spawn(() -> {
                events.add("b1");
                Stackless.schedule();
                events.add("b2");
            });
            Stackless.run();
            assertThat(events).containsExactly("a1", "b1", "a2", "runCount 2->2", "b2");
            // alone, main's sleep(0) returns at once
            Stackless.sleep(Duration.ZERO);
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // issue 6: "a killed sleeper wakes at once with TaskletExit"
    @SwitchingTest
    void killWakesASleeperAtOnce() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> events = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.sleep(Duration.ofSeconds(30));
                    events.add("slept 30 s");
                } catch (TaskletExit e) {
                    events.add("TaskletExit");
                    throw e;
                }
            });
            Stackless.schedule(); // t starts sleeping
            assertThat(t.isAlive()).isTrue();
            long t0 = System.nanoTime();
            t.kill();
            events.add("kill returned");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
            assertThat(events).containsExactly("TaskletExit", "kill returned");
            assertThat(t.isAlive()).isFalse();
            // the cancelled timer does not keep the scheduler waiting
            t0 = System.nanoTime();
            Stackless.run();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
        });
    }

    // issue 6: an exception thrown into a sleeper is raised from sleep() at once
    @SwitchingTest
    void throwIntoASleeper() throws Throwable {
        Stackless.runAsMain(() -> {
            List<Object> events = new ArrayList<>();
            IllegalStateException boom = new IllegalStateException("wake up");
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.sleep(Duration.ofSeconds(30));
                    events.add("slept 30 s");
                } catch (IllegalStateException e) {
                    events.add(e);
                }
            });
            Stackless.schedule();
            t.throwInto(boom);
            assertThat(events).containsExactly(boom);
            assertThat(t.isAlive()).isFalse();
        });
    }

    // issue 6: sleepers and busy tasklets interleave: timers are checked at switches, a busy tasklet does not starve a sleeper
    @SwitchingTest
    void sleepersAndBusyTaskletsInterleave() throws Throwable {
        Stackless.runAsMain(() -> {
            boolean[] woke = new boolean[1];
            int[] busyRounds = new int[2];
            List<String> events = new ArrayList<>();
            Tasklet.spawn(() -> {
                events.add("sleeper sleeps");
                Stackless.sleep(Duration.ofMillis(100));
                woke[0] = true;
                events.add("sleeper woke");
            });
            for (int b = 0; b < 2; b++) {
                int k = b;
                Tasklet.spawn(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!woke[0] && System.nanoTime() - deadline < 0) {
                        busyRounds[k]++;
                        Stackless.schedule();
                    }
                    events.add("busy" + k + " saw the sleeper wake");
                });
            }
            Stackless.run();
            // where the woken sleeper lands relative to the two busy tasklets is not specified
            assertThat(events).hasSize(4);
            assertThat(events.subList(0, 2)).containsExactly("sleeper sleeps", "sleeper woke");
            assertThat(events.subList(2, 4)).containsExactlyInAnyOrder("busy0 saw the sleeper wake",
                    "busy1 saw the sleeper wake");
            assertThat(busyRounds[0]).as("busy tasklets ran while the sleeper slept").isGreaterThan(1);
            assertThat(busyRounds[1]).isGreaterThan(1);
        });
    }

    // issue 6: no thread per sleeper, and the scheduler thread does not spin while only sleepers are pending
    @SwitchingTest
    void manySleepersNoSpinning() throws Throwable {
        Stackless.runAsMain(() -> {
            int n = 1_000;
            int[] woke = new int[1];
            for (int i = 0; i < n; i++) {
                Tasklet.spawn(() -> {
                    Stackless.sleep(Duration.ofMillis(300));
                    woke[0]++;
                });
            }
            Stackless.schedule(); // everyone starts sleeping
            int threadsWhileSleeping = Thread.activeCount();
            long cpu0 = Cpu.currentThreadNanos();
            long t0 = System.nanoTime();
            Stackless.run();
            long wall = System.nanoTime() - t0;
            long cpu = Cpu.currentThreadNanos() - cpu0;
            assertThat(woke[0]).isEqualTo(n);
            assertThat(threadsWhileSleeping).as("platform threads while %d tasklets sleep", n).isLessThan(n / 2);
            assertThat(cpu).as("CPU %d ms during a wall time of %d ms", cpu / 1_000_000, wall / 1_000_000)
                    .isLessThan(wall / 2);
        });
    }

    // issue 6: sleep is a suspending call: under switch_trap it is refused before anything changes
    @SwitchingTest
    void sleepUnderSwitchTrapIsRefused() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet.spawn(() -> {
            });
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(() -> Stackless.sleep(Duration.ofMillis(10))).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("switch_trap");
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(Stackless.runCount()).isEqualTo(2);
            Stackless.run();
        });
    }
}
