package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of Stackless Python's {@code Stackless/unittests/test_exception.py} (TaskletExit's kind) and of the
 * uncaught-exception rules it guards (spec §5.1, §5.3; test_tstate.py testExceptionState).
 */
class ExceptionTest {

    // test_exception.py TestException.testTaskletExitCode: TaskletExit is not an Exception
    @SwitchingTest
    void testTaskletExitKind() throws Throwable {
        Stackless.runAsMain(() -> {
            Throwable exc = new TaskletExit();
            assertThat(exc).isInstanceOf(Error.class).isNotInstanceOf(Exception.class);
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.schedule();
                } catch (Exception e) {
                    ev.add("caught by catch (Exception)");
                }
            });
            t.run();
            t.kill();
            assertThat(ev).isEmpty();
            assertThat(t.isAlive()).isFalse();
        });
    }

    // spec §5.1 / §3.5: TaskletExit propagating out of a tasklet ends it silently
    @SwitchingTest
    void testTaskletExitSilent() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet a = Tasklet.spawn(() -> {
                ev.add("a");
                throw new TaskletExit();
            });
            Tasklet.spawn(() -> ev.add("b"));
            Stackless.run();
            assertThat(ev).containsExactly("a", "b");
            assertThat(a.isAlive()).isFalse();
        });
    }

    // spec §3.5: a tasklet may catch TaskletExit and keep running (then it is not dead)
    @SwitchingTest
    void testTaskletExitCaught() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.schedule();
                } catch (TaskletExit e) {
                    ev.add("caught");
                }
                Stackless.schedule();
                ev.add("end");
            });
            t.run();
            t.kill();
            assertThat(t.isAlive()).isTrue();
            ev.add("main");
            Stackless.run();
            assertThat(ev).containsExactly("caught", "main", "end");
        });
    }

    // spec §5.3 [verified]: main doing a plain schedule() gets the tasklet's exception out of schedule()
    @SwitchingTest
    void testMainScheduleGetsException() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet.spawn(() -> {
                throw new java.util.NoSuchElementException("key");
            });
            assertThatThrownBy(Stackless::schedule).isInstanceOf(java.util.NoSuchElementException.class)
                    .hasMessage("key");
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // spec §5.3: the exception of a tasklet started with t.run() surfaces from run() in the caller (main)
    @SwitchingTest
    void testTaskletRunGetsException() throws Throwable {
        Stackless.runAsMain(() -> {
            IllegalArgumentException ex = new IllegalArgumentException("x");
            Tasklet t = Tasklet.spawn(() -> {
                throw ex;
            });
            assertThatThrownBy(t::run).isSameAs(ex);
            assertThat(t.isAlive()).isFalse();
        });
    }

    // spec §5.3: checked exceptions and Errors escaping a tasklet reach the watchdog unchanged
    @SwitchingTest
    void testCheckedExceptionAndErrorReachWatchdog() throws Throwable {
        Stackless.runAsMain(() -> {
            java.io.IOException io = new java.io.IOException("io");
            Tasklet.spawn(() -> {
                throw io;
            });
            assertThatThrownBy(Stackless::run).isSameAs(io);
            AssertionError err = new AssertionError("err");
            Tasklet.spawn(() -> {
                throw err;
            });
            assertThatThrownBy(Stackless::run).isSameAs(err);
        });
    }

    // spec §5.3: with a blocked main, the watchdog (main) is unblocked by the exception, others stay queued
    @SwitchingTest
    void testBlockedMainGetsExceptionOthersStay() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Channel<Object> c = new Channel<>();
            Tasklet.spawn(() -> {
                ev.add("e");
                throw new UnsupportedOperationException("u");
            });
            Tasklet other = Tasklet.spawn(() -> ev.add("other"));
            assertThatThrownBy(c::receive).isInstanceOf(UnsupportedOperationException.class);
            assertThat(ev).containsExactly("e");
            assertThat(other.isScheduled()).isTrue();
            Stackless.run();
            assertThat(ev).containsExactly("e", "other");
        });
    }

    // runAsMain throws what the body throws
    @SwitchingTest
    void testRunAsMainPropagates() throws Throwable {
        IllegalStateException ex = new IllegalStateException("from body");
        assertThatThrownBy(() -> Stackless.runAsMain(() -> {
            throw ex;
        })).isSameAs(ex);
        java.io.IOException io = new java.io.IOException("io");
        assertThatThrownBy(() -> Stackless.runAsMain(() -> {
            Tasklet.spawn(() -> {
                throw io;
            });
            Stackless.run();
        })).isSameAs(io);
    }
}
