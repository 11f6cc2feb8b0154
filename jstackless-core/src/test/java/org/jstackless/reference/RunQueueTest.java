package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of stackless-testsuite {@code stackless_testsuite/v3_1/test_functionality.py} (module functions:
 * run, schedule, getruncount, getcurrent/getmain) and {@code v3_1/tasklet/test_functionality.py}
 * (testSig_run, insert/remove/run/switch and their misuse errors), against spec §1, §2.2–2.4, §3.2.
 */
class RunQueueTest {

    // stackless-testsuite test_functionality.py testMainIsCurrentInThread / testRuncount
    @SwitchingTest
    void testMainIsCurrent() throws Throwable {
        Stackless.runAsMain(() -> {
            assertThat(Stackless.current()).isSameAs(Stackless.main());
            assertThat(Stackless.main().isMain()).isTrue();
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(Stackless.main().thread()).isSameAs(Thread.currentThread());
        });
    }

    // stackless-testsuite testRun: spawned tasklets run in creation order
    @SwitchingTest
    void testRunOrder() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                Tasklet.spawn(() -> ev.add(n));
            }
            assertThat(Stackless.runCount()).isEqualTo(4);
            Stackless.run();
            assertThat(ev).containsExactly("a", "b", "c");
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // spec §1: insert puts the tasklet just before current, i.e. at the end of the round
    @SwitchingTest
    void testInsertBeforeCurrent() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                ev.add("A1");
                Tasklet.spawn(() -> ev.add("C"));
                Stackless.schedule();
                ev.add("A2");
            });
            Tasklet.spawn(() -> ev.add("B"));
            Stackless.run();
            assertThat(ev).containsExactly("A1", "B", "C", "A2");
        });
    }

    // spec §1 / §3.2: next/prev walk the circular run queue starting at current
    @SwitchingTest
    void testQueueNextPrev() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet main = Stackless.current();
            Tasklet a = Tasklet.spawn(() -> { });
            Tasklet b = Tasklet.spawn(() -> { });
            assertThat(main.next()).isSameAs(a);
            assertThat(a.next()).isSameAs(b);
            assertThat(b.next()).isSameAs(main);
            assertThat(main.prev()).isSameAs(b);
            assertThat(a.prev()).isSameAs(main);
            a.remove();
            assertThat(main.next()).isSameAs(b);
            assertThat(a.next()).isNull();
            a.insert();
            assertThat(b.next()).isSameAs(a);
            assertThat(a.next()).isSameAs(main);
            Stackless.run();
        });
    }

    // spec §3.2: run() of a paused tasklet inserts it just before the caller: after it yields, the caller runs
    @SwitchingTest
    void testRunPausedTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> ev.add("A"));
            Tasklet.spawn(() -> ev.add("B"));
            Tasklet t = new Tasklet(() -> {
                ev.add("t1");
                Stackless.schedule();
                ev.add("t2");
            }).setup().remove();
            t.run();
            ev.add("main");
            Stackless.run();
            assertThat(ev).containsExactly("t1", "main", "A", "B", "t2");
        });
    }

    // stackless-testsuite tasklet test_functionality.py testSig_run: run() returns the caller's tempval
    @SwitchingTest
    void testRunReturnsCallerTempval() throws Throwable {
        Stackless.runAsMain(() -> {
            Object o = new Object();
            Stackless.current().setTempval(o);
            Tasklet t = Tasklet.spawn(() -> { });
            assertThat(t.run()).isSameAs(o);
            Object p = new Object();
            Tasklet main = Stackless.current();
            Tasklet s = Tasklet.spawn(() -> main.setTempval(p));
            assertThat(s.switchTo()).isSameAs(p);
        });
    }

    // spec §3.2: switch() removes the caller from the run queue (raw scheduling)
    @SwitchingTest
    void testSwitchRemovesCaller() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet main = Stackless.current();
            Tasklet other = Tasklet.spawn(() -> ev.add("other"));
            Tasklet t = Tasklet.spawn(() -> {
                ev.add("t runCount=" + Stackless.runCount() + " main scheduled=" + main.isScheduled());
                main.insert();
            });
            t.switchTo();
            ev.add("main");
            assertThat(ev).containsExactly("t runCount=2 main scheduled=false", "other", "main");
            assertThat(other.isAlive()).isFalse();
        });
    }

    // spec §2.3 / DOC schedule_remove example: the remover is resumed with insert(), returning its tempval
    @SwitchingTest
    void testScheduleRemoveTempvalMailbox() throws Throwable {
        Stackless.runAsMain(() -> {
            List<Object> got = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> got.add(Stackless.scheduleRemove()));
            Stackless.run();
            assertThat(t.isPaused()).isTrue();
            assertThat(t.tempval()).as("default retval is the tasklet itself").isSameAs(t);
            t.setTempval("mail");
            t.insert();
            Stackless.run();
            assertThat(got).containsExactly("mail");
            Tasklet u = Tasklet.spawn(() -> got.add(Stackless.scheduleRemove("own")));
            Stackless.run();
            u.insert();
            Stackless.run();
            assertThat(got).containsExactly("mail", "own");
        });
    }

    // spec §3.2 misuse: insert()/run() of a blocked or dead tasklet
    @SwitchingTest
    void testInsertMisuse() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet blocked = Tasklet.spawn(ch::receive);
            blocked.run();
            assertThatThrownBy(blocked::insert).isInstanceOf(IllegalStateException.class).hasMessage(Spec.RUN_BLOCKED);
            assertThatThrownBy(blocked::run).isInstanceOf(IllegalStateException.class).hasMessage(Spec.RUN_BLOCKED);
            Tasklet dead = Tasklet.spawn(() -> { });
            Stackless.run();
            assertThatThrownBy(dead::insert).isInstanceOf(IllegalStateException.class).hasMessage(Spec.RUN_DEAD);
            assertThatThrownBy(dead::run).isInstanceOf(IllegalStateException.class).hasMessage(Spec.RUN_DEAD);
            assertThatThrownBy(dead::switchTo).isInstanceOf(IllegalStateException.class).hasMessage(Spec.RUN_DEAD);
            assertThatThrownBy(new Tasklet(() -> { })::insert).isInstanceOf(IllegalStateException.class)
                    .hasMessage(Spec.RUN_DEAD);
            blocked.kill();
        });
    }

    // spec §3.2 misuse: remove() of a blocked or the current tasklet
    @SwitchingTest
    void testRemoveMisuse() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet blocked = Tasklet.spawn(ch::receive);
            blocked.run();
            assertThatThrownBy(blocked::remove).isInstanceOf(IllegalStateException.class)
                    .hasMessage(Spec.REMOVE_BLOCKED);
            assertThatThrownBy(() -> Stackless.current().remove()).isInstanceOf(IllegalStateException.class)
                    .hasMessage(Spec.REMOVE_CURRENT);
            assertThat(blocked.isBlocked()).isTrue();
            assertThat(ch.balance()).isEqualTo(-1);
            blocked.kill();
        });
    }

    // stackless-testsuite testSchedule: schedule() moves on to current.next and comes back after the round
    @SwitchingTest
    void testScheduleRoundRobin() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            for (String n : List.of("a", "b")) {
                Tasklet.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        ev.add(n + i);
                        Stackless.schedule();
                    }
                });
            }
            for (int i = 0; i < 3; i++) {
                ev.add("m" + i);
                Stackless.schedule();
            }
            assertThat(ev).containsExactly("m0", "a0", "b0", "m1", "a1", "b1", "m2", "a2", "b2");
            Stackless.run();
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // spec §3.2 (issue #88, intended semantics): switching to oneself is a no-op even with other runnable tasklets
    @SwitchingTest
    void testSwitchToSelfWithOthersRunnable() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet main = Stackless.current();
            Tasklet.spawn(() -> ev.add("other"));
            main.switchTo();
            assertThat(ev).isEmpty();
            assertThat(Stackless.current()).isSameAs(main);
            assertThat(main.isScheduled()).isTrue();
            assertThat(Stackless.runCount()).isEqualTo(2);
            Stackless.run();
            assertThat(ev).containsExactly("other");
        });
    }

    // spec §3.1: a blocked tasklet counts as scheduled and cannot be rebound
    @SwitchingTest
    void testBindBlocked() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(ch::receive);
            t.run();
            assertThatThrownBy(() -> t.bind(() -> { })).isInstanceOf(IllegalStateException.class)
                    .hasMessage(Spec.BIND_SCHEDULED);
            assertThat(t.isBlocked()).isTrue();
            t.kill();
        });
    }
}
