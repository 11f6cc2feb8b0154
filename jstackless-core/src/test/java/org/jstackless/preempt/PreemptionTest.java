package org.jstackless.preempt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jstackless.Atomic;
import org.jstackless.RunOptions;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.jstackless.testing.SwitchingTest;

/**
 * Preemption (spec §6, Stackless's test_watchdog.py): {@code run(ticks)} interrupts a soft tasklet
 * mid-code after its tick budget. Hard tasklets are interrupted only at their next switch (or, with
 * ignoreNesting, at ticks of woven code they run): the expectations say which per mechanism.
 */
class PreemptionTest {
    private static boolean soft() {
        return Switching.forced() == Mechanism.SOFT;
    }

    /** A loop with no switch at all: only ticks can stop it. */
    static void spin(AtomicLong counter, long n) throws Suspendable {
        for (long i = 0; i < n; i++) {
            counter.incrementAndGet();
        }
    }

    // test_watchdog.py TestWatchdog.test_run_with_timeout / test_miscell TestWatchdog.lifecycle:
    // run(n) returns the interrupted tasklet, paused (alive, not scheduled); after insert()+run() it ends.
    @SwitchingTest
    void runWithTimeoutReturnsTheInterruptedTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            AtomicLong count = new AtomicLong();
            Tasklet t = Tasklet.spawn(() -> spin(count, 1_000_000));
            Tasklet victim = Stackless.run(100);
            if (soft()) {
                assertThat(victim).isSameAs(t);
                assertThat(t.isAlive()).isTrue();
                assertThat(t.isPaused()).isTrue();
                assertThat(t.isScheduled()).isFalse();
                assertThat(count.get()).isBetween(1L, 999_999L);
                t.insert();
                Stackless.run();
            } else {
                // A hard tasklet running a loop without switching cannot be interrupted.
                assertThat(victim).isNull();
            }
            assertThat(t.isAlive()).isFalse();
            assertThat(count.get()).isEqualTo(1_000_000);
        });
    }

    // DOC scheduler.rst "pumping": while ((t = run(n)) != null) t.insert() gives a tight loop and a
    // chatty tasklet fair turns (issue 6).
    @SwitchingTest
    void pumpLoopGivesATightLoopAndAChattyTaskletTurns() throws Throwable {
        Stackless.runAsMain(() -> {
            AtomicLong tight = new AtomicLong();
            List<Long> seenByChatty = new ArrayList<>();
            boolean[] stop = {false};
            Tasklet.spawn(() -> {
                while (!stop[0]) {
                    tight.incrementAndGet(); // never switches
                }
            });
            Tasklet.spawn(() -> {
                for (int i = 0; i < 5; i++) {
                    seenByChatty.add(tight.get());
                    Stackless.schedule();
                }
                stop[0] = true;
            });
            int interrupts = 0;
            Tasklet t;
            if (soft()) {
                while ((t = Stackless.run(1000)) != null) {
                    interrupts++;
                    t.insert();
                }
                assertThat(seenByChatty).hasSize(5);
                assertThat(interrupts).isGreaterThanOrEqualTo(5);
                // the tight loop made progress between the chatty tasklet's turns
                assertThat(seenByChatty.get(4)).isGreaterThan(seenByChatty.get(0));
            } else {
                stop[0] = true; // a hard tight loop would never yield: do not start it
                Stackless.run();
                assertThat(seenByChatty).hasSize(5);
            }
        });
    }

    // test_watchdog.py test_atomic / spec §3.6: an interrupt due inside an atomic section fires at the
    // first tick after it.
    @SwitchingTest
    void atomicDefersTheInterrupt() throws Throwable {
        if (!soft()) {
            return;
        }
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            AtomicLong count = new AtomicLong();
            Tasklet t = Tasklet.spawn(() -> {
                try (Atomic a = Stackless.atomic()) {
                    spin(count, 100_000); // far beyond the budget, but atomic
                    ev.add("atomic done");
                }
                ev.add("after atomic");
                spin(count, 100_000);
                ev.add("end");
            });
            Tasklet victim = Stackless.run(50);
            assertThat(victim).isSameAs(t);
            // The first tick after the section is the entry of the next woven method (spin): the
            // plain list call before it has no tick point.
            assertThat(ev).containsExactly("atomic done", "after atomic");
            assertThat(count.get()).isEqualTo(100_000);
            t.insert();
            Stackless.run();
            assertThat(ev).containsExactly("atomic done", "after atomic", "end");
        });
    }

    // test_watchdog.py test_nested / spec §2.1: a nested run() ignores its timeout; the outer one
    // (the interrupt watchdog) is the one that wakes.
    @SwitchingTest
    void nestedRunIgnoresItsTimeout() throws Throwable {
        if (!soft()) {
            return;
        }
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            AtomicLong count = new AtomicLong();
            Tasklet spinner = new Tasklet(() -> spin(count, 10_000_000));
            Tasklet inner = Tasklet.spawn(() -> {
                spinner.setup();
                Tasklet v = Stackless.run(1_000_000_000L); // nested: its budget is ignored
                ev.add("inner run returned " + (v == null ? "null" : "victim"));
            });
            Tasklet victim = Stackless.run(100);
            ev.add("outer got " + (victim == spinner ? "spinner" : String.valueOf(victim)));
            assertThat(ev).containsExactly("outer got spinner");
            victim.kill();
            Stackless.run();
            assertThat(ev).containsExactly("outer got spinner", "inner run returned null");
            assertThat(inner.isAlive()).isFalse();
        });
    }

    // test_watchdog.py test_soft / spec §6.4: soft preemption stops only at the next switch, returns
    // null, and every tasklet stays queued.
    @SwitchingTest
    void softPreemptionStopsAtTheNextSwitch() throws Throwable {
        if (!soft()) {
            return;
        }
        Stackless.runAsMain(() -> {
            AtomicLong count = new AtomicLong();
            List<String> ev = new ArrayList<>();
            Tasklet a = Tasklet.spawn(() -> {
                spin(count, 10_000);
                ev.add("a switches");
                Stackless.schedule();
                ev.add("a again");
            });
            Tasklet b = Tasklet.spawn(() -> ev.add("b"));
            Tasklet victim = Stackless.run(RunOptions.ticks(10).soft());
            assertThat(victim).isNull();
            assertThat(ev).containsExactly("a switches");
            assertThat(a.isScheduled()).isTrue();
            assertThat(b.isScheduled()).isTrue();
            Stackless.run();
            assertThat(ev).containsExactly("a switches", "b", "a again");
        });
    }

    // spec §6.1 totaltimeout: the budget counts from the start of run(), not per slice: two
    // cooperating tasklets that each stay under the slice are interrupted once the total runs out.
    @SwitchingTest
    void totalTimeoutCountsFromTheStartOfRun() throws Throwable {
        if (!soft()) {
            return;
        }
        Stackless.runAsMain(() -> {
            AtomicLong count = new AtomicLong();
            for (int k = 0; k < 2; k++) {
                Tasklet.spawn(() -> {
                    for (int i = 0; i < 1000; i++) {
                        spin(count, 5);
                        Stackless.schedule();
                    }
                });
            }
            assertThat(Stackless.run(RunOptions.ticks(200))).as("per slice: never interrupted").isNull();
            assertThat(count.get()).isEqualTo(10_000);
            for (int k = 0; k < 2; k++) {
                Tasklet.spawn(() -> {
                    for (int i = 0; i < 1000; i++) {
                        spin(count, 5);
                        Stackless.schedule();
                    }
                });
            }
            Tasklet v = Stackless.run(RunOptions.ticks(200).totalTimeout());
            assertThat(v).as("total budget exhausted").isNotNull();
            assertThat(count.get()).isLessThan(20_000);
            v.insert();
            Stackless.run();
            assertThat(count.get()).isEqualTo(20_000);
        });
    }
}
