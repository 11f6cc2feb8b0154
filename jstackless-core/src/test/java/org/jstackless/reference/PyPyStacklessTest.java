package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of PyPy's {@code pypy/module/test_lib_pypy/test_stackless.py} (AppTest_Stackless: test_simple,
 * test_with_channel, test_except, test_getruncount, test_schedule_return, test_kill, ...).
 */
class PyPyStacklessTest {

    // test_stackless.py test_simple: three tasklets each scheduling once
    @SwitchingTest
    void testSimple() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                Tasklet.spawn(() -> {
                    ev.add(n + "1");
                    Stackless.schedule();
                    ev.add(n + "2");
                });
            }
            Stackless.run();
            assertThat(ev).containsExactly("a1", "b1", "c1", "a2", "b2", "c2");
        });
    }

    private static List<String> channelRun(int preference, boolean scheduleAll) throws Throwable {
        List<String> ev = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            ch.setPreference(preference);
            ch.setScheduleAll(scheduleAll);
            Tasklet.spawn(() -> {
                for (int i : new int[] {0, 1, 2, -1}) {
                    ev.add("s" + i);
                    ch.send(i);
                }
            });
            Tasklet.spawn(() -> {
                int v;
                do {
                    v = ch.receive();
                    ev.add("r" + v);
                } while (v != -1);
            });
            Stackless.run();
        });
        return ev;
    }

    // test_stackless.py test_with_channel: default preference (-1, prefer receiver)
    @SwitchingTest
    void testWithChannelPreferReceiver() throws Throwable {
        assertThat(channelRun(-1, false)).containsExactly("s0", "r0", "s1", "r1", "s2", "r2", "s-1", "r-1");
    }

    // test_stackless.py test_with_channel, preference = 1 (prefer sender)
    @SwitchingTest
    void testWithChannelPreferSender() throws Throwable {
        assertThat(channelRun(1, false)).containsExactly("s0", "s1", "r0", "s2", "r1", "s-1", "r2", "r-1");
    }

    // test_stackless.py test_with_channel, preference = 0 (neither)
    @SwitchingTest
    void testWithChannelPreferNeither() throws Throwable {
        assertThat(channelRun(0, false)).containsExactly("s0", "r0", "s1", "s2", "r1", "r2", "s-1", "r-1");
    }

    // spec §4.2 [verified]: with schedule_all the sequence equals the preference=+1 one
    @SwitchingTest
    void testWithChannelScheduleAll() throws Throwable {
        assertThat(channelRun(-1, true)).containsExactly("s0", "s1", "r0", "s2", "r1", "s-1", "r2", "r-1");
    }

    // test_stackless.py test_except: order "bg f E bh ag ah"
    @SwitchingTest
    void testExcept() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                ev.add("bg");
                Stackless.schedule();
                ev.add("ag");
            });
            Tasklet.spawn(() -> {
                ev.add("f");
                throw new ArithmeticException("/ by zero");
            });
            Tasklet.spawn(() -> {
                ev.add("bh");
                Stackless.schedule();
                ev.add("ah");
            });
            try {
                Stackless.run();
            } catch (ArithmeticException e) {
                ev.add("E");
            }
            Stackless.schedule();
            Stackless.schedule();
            assertThat(ev).containsExactly("bg", "f", "E", "bh", "ag", "ah");
        });
    }

    // test_stackless.py test_getruncount: a sole tasklet under run() sees runcount 1
    @SwitchingTest
    void testGetRunCount() throws Throwable {
        Stackless.runAsMain(() -> {
            List<Integer> counts = new ArrayList<>();
            assertThat(Stackless.runCount()).isEqualTo(1);
            Tasklet.spawn(() -> counts.add(Stackless.runCount()));
            assertThat(Stackless.runCount()).isEqualTo(2);
            Stackless.run();
            Tasklet.spawn(() -> counts.add(Stackless.runCount()));
            Tasklet.spawn(() -> counts.add(Stackless.runCount()));
            Stackless.run();
            assertThat(counts).containsExactly(1, 2, 1);
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // test_stackless.py test_schedule_return: schedule() returns main by default, else its argument
    @SwitchingTest
    void testScheduleReturn() throws Throwable {
        Stackless.runAsMain(() -> {
            assertThat(Stackless.schedule()).isSameAs(Stackless.main());
            assertThat(Stackless.schedule("test")).isEqualTo("test");
            List<Object> got = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                got.add(Stackless.schedule());
                got.add(Stackless.schedule(42));
            });
            Stackless.run();
            assertThat(got).containsExactly(t, 42);
        });
    }

    // test_stackless.py test_kill: kill() a tasklet that was never run
    @SwitchingTest
    void testKill() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> ev.add("should not run"));
            t.kill();
            assertThat(t.isAlive()).isFalse();
            Stackless.run();
            assertThat(ev).isEmpty();
        });
    }

    // pypy/pypy#2595: killing a tasklet blocked on a channel must remove it from the channel queue
    @SwitchingTest
    void testKillBlockedLeavesChannel() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Channel<String> ch = new Channel<>();
            Tasklet dead = Tasklet.spawn(() -> ev.add("dead got " + ch.receive()));
            Tasklet live = Tasklet.spawn(() -> ev.add("live got " + ch.receive()));
            Stackless.run();
            assertThat(ch.balance()).isEqualTo(-2);
            dead.kill();
            assertThat(ch.balance()).isEqualTo(-1);
            assertThat(ch.queue()).isSameAs(live);
            ch.send("v");
            assertThat(ev).containsExactly("live got v");
        });
    }

    // test_stackless.py test_run_order / DOC tasklets.rst tasklet.run example: run() of a queued tasklet
    // jumps the head to it without reordering; tasklets in between are skipped this round
    @SwitchingTest
    void testRunSkipsTaskletsInBetween() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> ev.add("A"));
            Tasklet b = Tasklet.spawn(() -> ev.add("B"));
            b.run();
            ev.add("main");
            Stackless.run();
            assertThat(ev).containsExactly("B", "main", "A");
        });
    }
}
