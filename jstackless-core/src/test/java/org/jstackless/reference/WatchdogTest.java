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
 * Port of Stackless Python's {@code Stackless/unittests/test_watchdog.py}: TestDeadlock (spec §5.4) and
 * TestNewWatchdog (nested {@code run()}, spec §2.1 and §6.5), plus {@code test_lone_receive}.
 */
class WatchdogTest {

    // test_watchdog.py TestDeadlock.testReceiveOnMain
    @SwitchingTest
    void testReceiveOnMain() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> c = new Channel<>();
            assertThatThrownBy(c::receive).isInstanceOf(DeadlockException.class).hasMessage(Spec.DEADLOCK);
        });
    }

    // test_watchdog.py TestDeadlock.test_main_receiving_endttasklet
    @SwitchingTest
    void testMainReceivingEndTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Channel<Object> c = new Channel<>();
            Tasklet.spawn(() -> ev.add("t ran"));
            assertThatThrownBy(c::receive).isInstanceOf(DeadlockException.class).hasMessage(Spec.MAIN_RECEIVING);
            assertThat(ev).containsExactly("t ran");
            assertThat(c.balance()).isZero();
            assertThat(Stackless.current().isBlocked()).isFalse();
        });
    }

    // test_watchdog.py TestDeadlock.test_main_sending_enddtasklet
    @SwitchingTest
    void testMainSendingEndTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> c = new Channel<>();
            Tasklet.spawn(() -> { });
            assertThatThrownBy(() -> c.send(null)).isInstanceOf(DeadlockException.class).hasMessage(Spec.MAIN_SENDING);
            assertThat(c.balance()).isZero();
        });
    }

    // test_watchdog.py TestDeadlock.test_main_gets_exception
    @SwitchingTest
    void testMainGetsException() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> c = new Channel<>();
            Tasklet.spawn(() -> {
                throw new ArithmeticException("mumbai");
            });
            assertThatThrownBy(c::receive).isInstanceOf(ArithmeticException.class).hasMessage("mumbai");
            assertThat(c.balance()).as("main was unblocked").isZero();
        });
    }

    // test_watchdog.py TestDeadlock.test_tasklet_deadlock
    @SwitchingTest
    void testTaskletDeadlock() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Channel<Object> mc = new Channel<>();
            Tasklet.spawn(() -> {
                Channel<Object> c = new Channel<>();
                try {
                    c.receive();
                } catch (DeadlockException e) {
                    ev.add("task: " + e.getMessage());
                }
                mc.send("done");
            });
            ev.add("main got " + mc.receive());
            assertThat(ev).containsExactly("task: " + Spec.DEADLOCK, "main got done");
        });
    }

    // test_watchdog.py TestDeadlock.test_tasklet_and_main_receive
    @SwitchingTest
    void testTaskletAndMainReceive() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> mc = new Channel<>();
            Tasklet.spawn(() -> new Channel<>().receive());
            assertThatThrownBy(mc::receive).isInstanceOf(DeadlockException.class).hasMessage(Spec.DEADLOCK);
        });
    }

    // test_watchdog.py TestDeadlock.test_error_propagation_when_not_deadlock
    @SwitchingTest
    void testErrorPropagationWhenNotDeadlock() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t1 = Tasklet.spawn(() -> {
                Stackless.schedule();
                ev.add("t1 end");
            });
            Tasklet.spawn(() -> {
                throw new ArithmeticException("bar");
            });
            assertThatThrownBy(Stackless::run).isInstanceOf(ArithmeticException.class).hasMessage("bar");
            assertThat(t1.isAlive()).isTrue();
            assertThat(t1.isScheduled()).as("remaining tasklets stay scheduled").isTrue();
            Stackless.run();
            assertThat(ev).containsExactly("t1 end");
        });
    }

    // test_watchdog.py test_lone_receive: a lone tasklet blocking under run() revives the watchdog silently
    @SwitchingTest
    void testLoneReceive() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> c = new Channel<>();
            Tasklet t = Tasklet.spawn(c::receive);
            Stackless.run();
            assertThat(t.isBlocked()).isTrue();
            assertThat(c.balance()).isEqualTo(-1);
            assertThat(Stackless.runCount()).isEqualTo(1);
            t.kill();
        });
    }

    // test_watchdog.py TestNewWatchdog.test_run_from_worker
    @SwitchingTest
    void testRunFromWorker() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                Stackless.schedule();
                ev.add("worker done");
            });
            Tasklet runner = Tasklet.spawn(() -> {
                Stackless.run();
                ev.add("runner run returned");
            });
            while (ev.isEmpty()) {
                Stackless.schedule();
            }
            assertThat(ev).as("the runner is still paused: main was not blocked").containsExactly("worker done");
            assertThat(runner.isPaused()).isTrue();
            runner.run();
            assertThat(ev).containsExactly("worker done", "runner run returned");
        });
    }

    // test_watchdog.py TestNewWatchdog.test_run_from_worker_main_blocked
    @SwitchingTest
    void testRunFromWorkerMainBlocked() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Channel<String> c = new Channel<>();
            Tasklet.spawn(() -> {
                Stackless.schedule();
                ev.add("worker done");
            });
            Tasklet.spawn(() -> {
                Stackless.run();
                ev.add("runner run returned");
                c.send("hi");
            });
            ev.add("main got " + c.receive());
            assertThat(ev).containsExactly("worker done", "runner run returned", "main got hi");
        });
    }

    // test_watchdog.py TestNewWatchdog.test_run_from_worker_main_running: the innermost run() returns first
    @SwitchingTest
    void testRunFromWorkerMainRunning() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                Stackless.schedule();
                ev.add("worker done");
            });
            Tasklet.spawn(() -> {
                Stackless.run();
                ev.add("inner run returned, main paused=" + Stackless.main().isPaused());
            });
            Stackless.run();
            ev.add("outer run returned");
            assertThat(ev).containsExactly("worker done", "inner run returned, main paused=true", "outer run returned");
        });
    }

    // test_watchdog.py TestNewWatchdog.test_inner_run_gets_error
    @SwitchingTest
    void testInnerRunGetsError() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                Stackless.schedule();
                ev.add("worker done");
            });
            Tasklet.spawn(() -> {
                Tasklet.spawn(() -> {
                    throw new IllegalStateException("foo");
                });
                try {
                    Stackless.run();
                    ev.add("inner run returned normally");
                } catch (IllegalStateException e) {
                    ev.add("inner run raised " + e.getMessage());
                }
            });
            Stackless.run();
            ev.add("outer run returned");
            assertThat(ev).containsExactly("worker done", "inner run raised foo", "outer run returned");
        });
    }

    // test_watchdog.py TestNewWatchdog.test_manual_wakeup: waking main wakes the inner watchdogs later
    @SwitchingTest
    void testManualWakeup() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                Stackless.schedule();
                ev.add("worker done");
            });
            Tasklet.spawn(() -> {
                Tasklet.spawn(() -> {
                    Stackless.main().run();
                    ev.add("wakeup done");
                });
                Stackless.run();
                ev.add("runner done");
            });
            Stackless.run();
            assertThat(ev).as("only the worker has finished").containsExactly("worker done");
            Stackless.run();
            assertThat(ev).containsExactly("worker done", "wakeup done", "runner done");
        });
    }

    // test_watchdog.py TestNewWatchdog.test_main_exiting: a watchdog paused in its own run() is not runnable
    @SwitchingTest
    void testMainExiting() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                Stackless.schedule();
                ev.add("worker done");
            });
            Tasklet t = Tasklet.spawn(() -> {
                Stackless.run();
                ev.add("runner done");
            });
            while (ev.isEmpty()) {
                Stackless.schedule();
            }
            Stackless.run();
            assertThat(ev).containsExactly("worker done");
            Stackless.run();
            Stackless.schedule();
            assertThat(ev).containsExactly("worker done");
            assertThat(t.isAlive()).isTrue();
            t.kill();
            assertThat(t.isAlive()).isFalse();
            assertThat(ev).containsExactly("worker done");
        });
    }

    // spec §2.1: with nothing runnable, run() returns immediately
    @SwitchingTest
    void testRunWithNothingRunnable() throws Throwable {
        Stackless.runAsMain(() -> {
            Stackless.run();
            assertThat(Stackless.current().isMain()).isTrue();
            assertThat(Stackless.runCount()).isEqualTo(1);
            assertThat(Stackless.current().isScheduled()).isTrue();
        });
    }
}
