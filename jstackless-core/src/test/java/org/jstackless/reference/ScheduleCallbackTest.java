package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.ScheduleCallback;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of Stackless Python's {@code Stackless/unittests/test_sched_cb.py}, PyPy's
 * {@code test_stackless.py test_schedule_callback} and test_defects.py TestExceptionInScheduleCallback
 * (spec §2.7).
 */
class ScheduleCallbackTest {

    private static String name(Map<Tasklet, String> names, Tasklet t) {
        if (t == null) {
            return "null";
        }
        return names.getOrDefault(t, t.isMain() ? "main" : "?");
    }

    // PyPy test_stackless.py test_schedule_callback: (main,t1),(t1,t2),(t2,t1),(t1,t2),(t2,main)
    @SwitchingTest
    void testScheduleCallbackSequence() throws Throwable {
        Stackless.runAsMain(() -> {
            Map<Tasklet, String> names = new IdentityHashMap<>();
            List<String> calls = new ArrayList<>();
            Tasklet t1 = Tasklet.spawn(Stackless::schedule);
            Tasklet t2 = Tasklet.spawn(Stackless::schedule);
            names.put(t1, "t1");
            names.put(t2, "t2");
            names.put(Stackless.main(), "main");
            ScheduleCallback old = Stackless.setScheduleCallback(
                    (prev, next) -> calls.add("(" + name(names, prev) + "," + name(names, next) + ")"));
            try {
                Stackless.run();
            } finally {
                Stackless.setScheduleCallback(old);
            }
            assertThat(calls).containsExactly("(main,t1)", "(t1,t2)", "(t2,t1)", "(t1,t2)", "(t2,main)");
        });
    }

    // test_sched_cb.py: set_schedule_callback returns the previous callback
    @SwitchingTest
    void testSetReturnsPrevious() throws Throwable {
        Stackless.runAsMain(() -> {
            ScheduleCallback a = (p, n) -> { };
            ScheduleCallback b = (p, n) -> { };
            assertThat(Stackless.setScheduleCallback(a)).isNull();
            assertThat(Stackless.setScheduleCallback(b)).isSameAs(a);
            assertThat(Stackless.setScheduleCallback(null)).isSameAs(b);
            assertThat(Stackless.setScheduleCallback(null)).isNull();
        });
    }

    // spec §2.7: no callback for no-op switches (schedule() when alone, switching to oneself)
    @SwitchingTest
    void testNoCallbackForNoOpSwitch() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> calls = new ArrayList<>();
            Stackless.setScheduleCallback((p, n) -> calls.add("cb"));
            try {
                Stackless.schedule();
                Stackless.current().run();
                Stackless.current().switchTo();
                Stackless.run();
            } finally {
                Stackless.setScheduleCallback(null);
            }
            assertThat(calls).isEmpty();
        });
    }

    // test_sched_cb.py: the callback sees every real switch, including channel hand-offs, with the right pair
    @SwitchingTest
    void testCallbackOnChannelSwitches() throws Throwable {
        Stackless.runAsMain(() -> {
            Map<Tasklet, String> names = new IdentityHashMap<>();
            names.put(Stackless.main(), "main");
            List<String> calls = new ArrayList<>();
            org.jstackless.Channel<String> ch = new org.jstackless.Channel<>();
            Tasklet r = Tasklet.spawn(() -> calls.add("r got " + ch.receive()));
            names.put(r, "r");
            Stackless.setScheduleCallback((p, n) -> calls.add("(" + name(names, p) + "," + name(names, n) + ")"));
            try {
                r.run();          // main -> r, r blocks: r -> main
                ch.send("v");     // preference -1: main -> r; r ends: r -> main
            } finally {
                Stackless.setScheduleCallback(null);
            }
            assertThat(calls).containsExactly("(main,r)", "(r,main)", "(main,r)", "r got v", "(r,main)");
        });
    }

    // test_defects.py TestExceptionInScheduleCallback.testExceptionInScheduleCallback: the error goes to the
    // thread's uncaught-exception handler and scheduling continues (DESIGN §4)
    @SwitchingTest
    void testExceptionInScheduleCallback() throws Throwable {
        Thread me = Thread.currentThread();
        Thread.UncaughtExceptionHandler oldHandler = me.getUncaughtExceptionHandler();
        List<String> reported = new ArrayList<>();
        me.setUncaughtExceptionHandler((th, e) -> reported.add(e.getMessage()));
        try {
            Stackless.runAsMain(() -> {
                List<String> ev = new ArrayList<>();
                Stackless.setScheduleCallback((prev, next) -> {
                    if (next.isMain()) {
                        throw new IllegalStateException("scheduleCallback");
                    }
                });
                try {
                    Tasklet.spawn(() -> ev.add("t"));
                    Stackless.run();
                    ev.add("main");
                } finally {
                    Stackless.setScheduleCallback(null);
                }
                assertThat(ev).containsExactly("t", "main");
            });
        } finally {
            me.setUncaughtExceptionHandler(oldHandler);
        }
        assertThat(reported).containsExactly("scheduleCallback");
    }
}
