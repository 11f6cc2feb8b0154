package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of stackless-testsuite {@code stackless_testsuite/v3_1/tasklet/test_functionality.py} life-cycle
 * tests ({@code testLC_*}, {@code assert_state_*}) against the state table of spec §3.11.
 */
class LifeCycleTest {

    /** alive, paused, scheduled, blocked — the four flags of the §3.11 table. */
    private static void assertState(Tasklet t, boolean alive, boolean paused, boolean scheduled, boolean blocked) {
        assertThat(List.of(t.isAlive(), t.isPaused(), t.isScheduled(), t.isBlocked()))
                .as("alive, paused, scheduled, blocked")
                .containsExactly(alive, paused, scheduled, blocked);
    }

    // stackless-testsuite tasklet test_functionality.py assert_state_bound (tasklet(f))
    @SwitchingTest
    void testLC_bound() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet t = new Tasklet(() -> { });
            assertState(t, false, false, false, false);
            assertThat(t.isCurrent()).isFalse();
            assertThat(t.isMain()).isFalse();
            assertThat(t.next()).isNull();
            assertThat(t.prev()).isNull();
        });
    }

    // stackless-testsuite assert_state_bound: the bound callable sits in tempval (spec §1, §3.11)
    @SwitchingTest
    void testLC_bound_tempval() throws Throwable {
        Stackless.runAsMain(() -> {
            TaskletBody f = () -> { };
            Tasklet t = new Tasklet(f);
            assertThat(t.tempval()).isSameAs(f);
            t.setup();
            assertThat(t.tempval()).isNull();
            Stackless.run();
        });
    }

    // stackless-testsuite testLC_bound_notalive: bind(null) unbinds
    @SwitchingTest
    void testLC_bound_notalive() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet t = new Tasklet(() -> { });
            t.bind(null);
            assertState(t, false, false, false, false);
            assertThat(t.tempval()).isNull();
        });
    }

    // stackless-testsuite testLC_bound_scheduled: setup() / spawn
    @SwitchingTest
    void testLC_bound_scheduled() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet t = new Tasklet(() -> { });
            assertThat(t.setup()).isSameAs(t);
            assertState(t, true, false, true, false);
            assertThat(t.tempval()).isNull();
            assertThat(Stackless.runCount()).isEqualTo(2);
            Tasklet s = Tasklet.spawn(() -> { });
            assertState(s, true, false, true, false);
            Stackless.run();
        });
    }

    // stackless-testsuite testLC_scheduled_paused: remove()
    @SwitchingTest
    void testLC_scheduled_paused() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> { });
            assertThat(t.remove()).isSameAs(t);
            assertState(t, true, true, false, false);
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(t.next()).isNull();
            assertThat(t.prev()).isNull();
            t.remove(); // no-op when not scheduled
            assertState(t, true, true, false, false);
        });
    }

    // stackless-testsuite testLC_paused_scheduled: insert() and kill(pending=True)
    @SwitchingTest
    void testLC_paused_scheduled() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> ev.add("ran")).remove();
            assertThat(t.insert()).isSameAs(t);
            assertState(t, true, false, true, false);
            t.insert(); // no-op when already scheduled
            assertThat(Stackless.runCount()).isEqualTo(2);
            Tasklet k = Tasklet.spawn(() -> ev.add("k ran")).remove();
            k.kill(true);
            assertState(k, true, false, true, false);
            Stackless.run();
            assertThat(ev).containsExactly("ran");
            assertState(k, false, false, false, false);
        });
    }

    // stackless-testsuite testLC_paused_notalive / testLC_scheduled_notalive: kill()
    @SwitchingTest
    void testLC_kill_notalive() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet p = Tasklet.spawn(() -> { }).remove();
            p.kill();
            assertState(p, false, false, false, false);
            Tasklet s = Tasklet.spawn(() -> { });
            s.kill();
            assertState(s, false, false, false, false);
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // stackless-testsuite assert_state_current
    @SwitchingTest
    void testLC_current() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet[] self = new Tasklet[1];
            self[0] = Tasklet.spawn(() -> {
                Tasklet t = Stackless.current();
                ev.add("same=" + (t == self[0]) + " current=" + t.isCurrent() + " alive=" + t.isAlive()
                        + " scheduled=" + t.isScheduled() + " paused=" + t.isPaused() + " blocked=" + t.isBlocked()
                        + " main=" + t.isMain());
            });
            self[0].run();
            assertThat(ev).containsExactly(
                    "same=true current=true alive=true scheduled=true paused=false blocked=false main=false");
            Tasklet main = Stackless.current();
            assertThat(main.isMain()).isTrue();
            assertThat(main.isCurrent()).isTrue();
            assertThat(main).isSameAs(Stackless.main());
            assertState(main, true, false, true, false);
        });
    }

    // stackless-testsuite assert_state_blocked (sender and receiver) and the blocked -> scheduled transition
    @SwitchingTest
    void testLC_blocked() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet s = Tasklet.spawn(() -> ch.send("in flight"));
            s.run();
            assertState(s, true, false, true, true);
            assertThat(s.tempval()).isEqualTo("in flight");
            assertThat(ch.receive()).isEqualTo("in flight");
            assertState(s, true, false, true, false);
            Stackless.run();
            assertState(s, false, false, false, false);
            Tasklet r = Tasklet.spawn(ch::receive);
            r.run();
            assertState(r, true, false, true, true);
            assertThat(r.tempval()).isNull();
            r.kill();
        });
    }

    // stackless-testsuite testLC_current_notalive: return, and the dead tasklet's attributes
    @SwitchingTest
    void testLC_dead() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> Stackless.schedule());
            Stackless.run();
            assertState(t, false, false, false, false);
            assertThat(t.tempval()).isNull();
            assertThat(t.next()).isNull();
            assertThat(t.prev()).isNull();
            assertThat(t.blockedOn()).isNull();
            assertThat(t.recursionDepth()).isZero();
        });
    }

    // stackless-testsuite assert_state_scheduler: main is paused inside run()
    @SwitchingTest
    void testLC_mainPausedInRun() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet main = Stackless.main();
            Tasklet.spawn(() -> ev.add("main paused=" + main.isPaused() + " scheduled=" + main.isScheduled()
                    + " alive=" + main.isAlive() + " runCount=" + Stackless.runCount()));
            Stackless.run();
            assertThat(ev).containsExactly("main paused=true scheduled=false alive=true runCount=1");
            assertState(main, true, false, true, false);
        });
    }

    // stackless-testsuite testLC_notalive_bound_scheduled: a dead tasklet can be rebound and run again
    @SwitchingTest
    void testLC_rebindDead() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> ev.add("first"));
            Stackless.run();
            assertState(t, false, false, false, false);
            t.bind(() -> ev.add("second"));
            assertState(t, false, false, false, false);
            t.setup();
            assertState(t, true, false, true, false);
            Stackless.run();
            assertThat(ev).containsExactly("first", "second");
        });
    }
}
