package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.DeadlockException;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of Stackless Python's {@code Stackless/unittests/test_defects.py}: Schedule (schedule_remove corner
 * cases), Channel (temporary channels), TestTaskletDel; the schedule-callback defect is in
 * {@link ScheduleCallbackTest}.
 */
class DefectsTest {

    // test_defects.py Schedule.testScheduleRemove: the only tasklet under run() removes itself
    @SwitchingTest
    void testScheduleRemove() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Stackless.run();
            Tasklet t = Tasklet.spawn(() -> {
                ev.add("before");
                Stackless.scheduleRemove();
                ev.add("We shouldn't be here");
            });
            Stackless.run();
            assertThat(ev).containsExactly("before");
            assertThat(t.isAlive()).isTrue();
            assertThat(t.isPaused()).isTrue();
            t.kill();
            assertThat(ev).containsExactly("before");
            assertThat(t.isAlive()).isFalse();
        });
    }

    // test_defects.py Schedule.testScheduleRemove2: main blocked, the last tasklet cannot remove itself
    @SwitchingTest
    void testScheduleRemove2() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Channel<Object> chan = new Channel<>();
            Tasklet.spawn(() -> {
                try {
                    Stackless.scheduleRemove();
                    ev.add("returned");
                } catch (DeadlockException e) {
                    ev.add("deadlock: " + e.getMessage());
                }
                chan.send("x");
            });
            ev.add("main got " + chan.receive());
            assertThat(ev).containsExactly("deadlock: " + Spec.DEADLOCK, "main got x");
        });
    }

    // test_defects.py Schedule.testScheduleRemove3: schedule-remove the last reference to a tasklet
    @SwitchingTest
    void testScheduleRemove3() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                ev.add("in");
                Stackless.scheduleRemove(null);
                ev.add("never");
            });
            Stackless.run();
            assertThat(ev).containsExactly("in");
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // test_defects.py Schedule.testScheduleRemove4: main schedule-removes itself, the tasklet does too;
    // main (floating) is revived and its schedule_remove returns the value in its tempval
    @SwitchingTest
    void testScheduleRemove4() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                ev.add("in");
                Stackless.scheduleRemove(null);
                ev.add("never");
            });
            Object r = Stackless.scheduleRemove("main retval");
            ev.add("main back");
            assertThat(r).isEqualTo("main retval");
            assertThat(ev).containsExactly("in", "main back");
            assertThat(t.isPaused()).isTrue();
            assertThat(Stackless.current().isScheduled()).isTrue();
        });
    }

    // spec §2.3 [derived, verified]: main not inside run() and alone: schedule_remove re-inserts main at once
    @SwitchingTest
    void testScheduleRemoveMainAlone() throws Throwable {
        Stackless.runAsMain(() -> {
            assertThat(Stackless.scheduleRemove("v")).isEqualTo("v");
            assertThat(Stackless.current().isScheduled()).isTrue();
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // test_defects.py Channel.testTemporaryChannel / testTemporaryChannel2
    @SwitchingTest
    void testTemporaryChannel() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                ev.add("f1");
                new Channel<>().receive();
            });
            Tasklet.spawn(() -> ev.add("f2"));
            Stackless.run();
            assertThat(ev).containsExactly("f1", "f2");
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // test_defects.py TestTaskletDel.testTempval: a finished tasklet's tempval is cleared (spec §1: dead => null)
    @SwitchingTest
    void testDeadTaskletTempvalIsNull() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> Stackless.schedule("something"));
            Stackless.run();
            assertThat(t.isAlive()).isFalse();
            assertThat(t.tempval()).isNull();
        });
    }

    // DOC stackless.rst schedule_remove example (tempval as mailbox), as exercised by test_defects.py Schedule:
    // another tasklet sets main's tempval and inserts it; main's schedule_remove returns that value
    @SwitchingTest
    void testScheduleRemoveMailbox() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet main = Stackless.current();
            Tasklet.spawn(() -> {
                main.setTempval("mail");
                main.insert();
            });
            assertThat(Stackless.scheduleRemove()).isEqualTo("mail");
        });
    }

    // stackless-testsuite test_functionality.py testMainIsCurrentInThread, for runAsMain (DESIGN §4): a tasklet
    // left blocked does not keep runAsMain from returning, and the next runAsMain starts with a fresh scheduler
    @SwitchingTest
    void testFreshSchedulerPerRunAsMain() throws Throwable {
        Tasklet[] left = new Tasklet[2];
        Stackless.runAsMain(() -> {
            left[0] = Stackless.main();
            Tasklet.spawn(() -> new Channel<>().receive());
            Stackless.run();
        });
        Stackless.runAsMain(() -> {
            left[1] = Stackless.main();
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(Stackless.current()).isSameAs(Stackless.main());
        });
        assertThat(left[1]).isNotSameAs(left[0]);
    }
}
