package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Atomic;
import org.jstackless.Bomb;
import org.jstackless.Channel;
import org.jstackless.ErrorHandler;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of Stackless Python's {@code Stackless/unittests/test_miscell.py}: TestTaskletSwitching,
 * TestTaskletThrowImmediate / TestTaskletThrowNonImmediate, TestSwitchTrap, TestKill, TestErrorHandler,
 * TestAtomic, TestSchedule, TestBind, TestSwitch.
 */
class MiscellTest {

    private static final class Boom extends RuntimeException {
        Boom(String m) {
            super(m);
        }
    }

    // test_miscell.py TestTaskletSwitching.test_run
    @SwitchingTest
    void testRun() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet s = Tasklet.spawn(() -> ev.add("foo"));
            s.run();
            ev.add("main");
            assertThat(ev).containsExactly("foo", "main");
            assertThat(s.isAlive()).isFalse();
        });
    }

    // test_miscell.py TestTaskletSwitching.test_switch_to_current (issue #88)
    @SwitchingTest
    void testSwitchToCurrent() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet current = Stackless.current();
            current.switchTo();
            current.switchTo();
            assertThat(Stackless.current()).isSameAs(current);
            assertThat(current.isCurrent()).isTrue();
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // test_miscell.py TestTaskletThrowBase.test_throw_noargs (pending=False): the blocked target runs at once
    @SwitchingTest
    void testThrowBlockedImmediate() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet s = Tasklet.spawn(() -> {
                try {
                    ch.receive();
                } catch (IndexOutOfBoundsException e) {
                    ev.add("caught " + e.getMessage());
                }
            });
            s.run();
            assertThat(ch.balance()).isEqualTo(-1);
            s.throwInto(new IndexOutOfBoundsException("x"), false);
            ev.add("main");
            assertThat(ev).containsExactly("caught x", "main");
            assertThat(s.isAlive()).isFalse();
            assertThat(ch.balance()).isZero();
        });
    }

    // test_miscell.py TestTaskletThrowNonImmediate.test_throw_noargs (pending=True): the target still hasn't run
    @SwitchingTest
    void testThrowBlockedPending() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet s = Tasklet.spawn(() -> {
                try {
                    ch.receive();
                } catch (IndexOutOfBoundsException e) {
                    ev.add("caught " + e.getMessage());
                }
            });
            s.run();
            s.throwInto(new IndexOutOfBoundsException("x"), true);
            ev.add("main");
            assertThat(s.isAlive()).isTrue();
            assertThat(s.isBlocked()).isFalse();
            assertThat(s.isScheduled()).isTrue();
            assertThat(ch.balance()).as("unblocked by the pending throw").isZero();
            s.run();
            assertThat(s.isAlive()).isFalse();
            assertThat(ev).containsExactly("main", "caught x");
        });
    }

    // test_miscell.py TestTaskletThrowBase.test_throw_inst with a checked exception: rethrown as-is
    @SwitchingTest
    void testThrowCheckedException() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Exception checked = new java.io.IOException("io");
            Tasklet s = Tasklet.spawn(() -> {
                try {
                    ch.receive();
                } catch (Exception e) {
                    ev.add(e == checked ? "same instance" : "other " + e);
                }
            });
            s.run();
            s.throwInto(checked);
            assertThat(ev).containsExactly("same instance");
        });
    }

    // test_miscell.py TestTaskletThrowImmediate.test_new: an uncaught throw into a new tasklet surfaces in the caller
    @SwitchingTest
    void testThrowNewImmediate() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet s = Tasklet.spawn(() -> ev.add("body ran"));
            assertThat(s.isAlive()).isTrue();
            IndexOutOfBoundsException ex = new IndexOutOfBoundsException("new");
            assertThatThrownBy(() -> s.throwInto(ex, false)).isSameAs(ex);
            assertThat(ev).as("the body never runs").isEmpty();
            assertThat(s.isAlive()).isFalse();
        });
    }

    // test_miscell.py TestTaskletThrowNonImmediate.test_new: with pending=True it surfaces from run()
    @SwitchingTest
    void testThrowNewPending() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet s = Tasklet.spawn(() -> ev.add("body ran"));
            IndexOutOfBoundsException ex = new IndexOutOfBoundsException("new");
            s.throwInto(ex, true);
            assertThat(s.isAlive()).isTrue();
            ev.add("after throw");
            assertThatThrownBy(Stackless::run).isSameAs(ex);
            assertThat(ev).containsExactly("after throw");
            assertThat(s.isAlive()).isFalse();
        });
    }

    // test_miscell.py TestTaskletThrowBase.test_kill_new: TaskletExit into a new tasklet; it never runs
    @SwitchingTest
    void testKillNew() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet s = Tasklet.spawn(() -> ev.add("should not run this"));
            s.throwInto(new TaskletExit());
            Stackless.run();
            assertThat(ev).isEmpty();
            assertThat(s.isAlive()).isFalse();
            assertThatThrownBy(s::run).isInstanceOf(IllegalStateException.class).hasMessage(Spec.RUN_DEAD);
        });
    }

    // test_miscell.py TestTaskletThrowBase.test_dead: throwing to a dead tasklet
    @SwitchingTest
    void testThrowDead() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet s = Tasklet.spawn(ch::receive);
            s.run();
            ch.send(null);
            Stackless.run();
            assertThat(s.isAlive()).isFalse();
            assertThatThrownBy(() -> s.throwInto(new IndexOutOfBoundsException()))
                    .isInstanceOf(IllegalStateException.class).hasMessage(Spec.THROW_DEAD);
            assertThatThrownBy(() -> s.throwInto(new IndexOutOfBoundsException(), true))
                    .isInstanceOf(IllegalStateException.class).hasMessage(Spec.THROW_DEAD);
        });
    }

    // test_miscell.py TestTaskletThrowBase.test_kill_dead: TaskletExit to a dead tasklet is a silent no-op
    @SwitchingTest
    void testKillDead() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet s = Tasklet.spawn(() -> { });
            Stackless.run();
            assertThat(s.isAlive()).isFalse();
            s.throwInto(new TaskletExit());
            s.kill();
            s.kill(true);
            assertThat(s.isAlive()).isFalse();
            assertThat(s.isScheduled()).isFalse();
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }

    // spec §3.3: throw into a blocked target: its handler, then the caller, then the other runnable tasklets
    @SwitchingTest
    void testThrowBlockedOrder() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet r = Tasklet.spawn(() -> {
                try {
                    ch.receive();
                } catch (Boom e) {
                    ev.add("R caught");
                }
            });
            r.run();
            Tasklet.spawn(() -> ev.add("O"));
            r.throwInto(new Boom("b"));
            ev.add("main");
            Stackless.run();
            assertThat(ev).containsExactly("R caught", "main", "O");
        });
    }

    // spec §3.3: pending throw into a blocked target: the target is inserted at the end, the caller continues
    @SwitchingTest
    void testThrowBlockedPendingOrder() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet r = Tasklet.spawn(() -> {
                try {
                    ch.receive();
                } catch (Boom e) {
                    ev.add("R caught");
                }
            });
            r.run();
            Tasklet.spawn(() -> ev.add("O"));
            r.throwInto(new Boom("b"), true);
            ev.add("main");
            Stackless.run();
            assertThat(ev).containsExactly("main", "O", "R caught");
        });
    }

    // spec §3.3 [verified]: throw into a tasklet already in the run queue does not reorder it; when the target
    // dies, execution continues with target.next, not necessarily with the caller
    @SwitchingTest
    void testThrowScheduledKeepsQueueOrder() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet a = Tasklet.spawn(() -> {
                try {
                    Stackless.schedule();
                    ev.add("A not thrown");
                } catch (Boom e) {
                    ev.add("A caught");
                }
            });
            Tasklet.spawn(() -> ev.add("B"));
            a.run(); // A schedules, B runs and ends, back to main
            assertThat(a.isScheduled()).isTrue();
            Tasklet.spawn(() -> ev.add("C"));
            a.throwInto(new Boom("b"));
            ev.add("main");
            assertThat(ev).containsExactly("B", "A caught", "C", "main");
        });
    }

    // test_miscell.py TestKill.test_kill_pending_true
    @SwitchingTest
    void testKillPendingTrue() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.schedule();
                } catch (TaskletExit e) {
                    ev.add("killed");
                    throw e;
                }
            });
            t.run();
            assertThat(ev).isEmpty();
            t.kill(true);
            ev.add("after kill");
            t.run();
            assertThat(ev).containsExactly("after kill", "killed");
            assertThat(t.isAlive()).isFalse();
        });
    }

    // test_miscell.py TestKill.test_kill_pending_False
    @SwitchingTest
    void testKillPendingFalse() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.schedule();
                } catch (TaskletExit e) {
                    ev.add("killed");
                    throw e;
                }
            });
            t.run();
            t.kill(false);
            ev.add("after kill");
            assertThat(ev).containsExactly("killed", "after kill");
            assertThat(t.isAlive()).isFalse();
        });
    }

    // test_miscell.py TestKill.test_kill_current
    @SwitchingTest
    void testKillCurrent() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.current().kill();
                    ev.add("not reached");
                } catch (TaskletExit e) {
                    ev.add("killed");
                    throw e;
                }
            });
            t.run();
            assertThat(ev).containsExactly("killed");
            assertThat(t.isAlive()).isFalse();
            assertThat(t.thread()).isSameAs(Thread.currentThread());
        });
    }

    // spec §3.5: killing a blocked tasklet unblocks it (balance changes) and raises TaskletExit at its channel call
    @SwitchingTest
    void testKillBlocked() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    ch.receive();
                } finally {
                    ev.add("finally");
                }
            });
            t.run();
            assertThat(ch.balance()).isEqualTo(-1);
            t.kill();
            ev.add("after kill");
            assertThat(ev).containsExactly("finally", "after kill");
            assertThat(ch.balance()).isZero();
            assertThat(t.isAlive()).isFalse();
            assertThat(t.isBlocked()).isFalse();
        });
    }

    // spec §3.3 / §5.2: a paused tasklet resumed with a Bomb in its tempval raises it from its suspending call
    @SwitchingTest
    void testBombInTempval() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.scheduleRemove();
                    ev.add("returned");
                } catch (Boom e) {
                    ev.add("exploded " + e.getMessage());
                }
            });
            Stackless.run();
            assertThat(t.isPaused()).isTrue();
            t.setTempval(new Bomb(new Boom("bomb")));
            t.run();
            assertThat(ev).containsExactly("exploded bomb");
        });
    }

    // test_miscell.py TestSwitchTrap.test_schedule
    @SwitchingTest
    void testSwitchTrapSchedule() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> ev.add("s"));
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(Stackless::schedule).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(ev).isEmpty();
            assertThat(Stackless.runCount()).isEqualTo(2);
            Stackless.run();
            assertThat(ev).containsExactly("s");
        });
    }

    // test_miscell.py TestSwitchTrap.test_schedule_remove
    @SwitchingTest
    void testSwitchTrapScheduleRemove() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet main = Stackless.current();
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                ev.add("s");
                main.insert();
            });
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(Stackless::scheduleRemove).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(main.isScheduled()).as("state unchanged after the trap").isTrue();
            Stackless.scheduleRemove();
            ev.add("main back");
            assertThat(ev).containsExactly("s", "main back");
        });
    }

    // test_miscell.py TestSwitchTrap.test_run
    @SwitchingTest
    void testSwitchTrapRun() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> ev.add("s"));
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(Stackless::run).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(Stackless.current().isScheduled()).isTrue();
            assertThat(Stackless.runCount()).isEqualTo(2);
            Stackless.run();
            assertThat(ev).containsExactly("s");
        });
    }

    // test_miscell.py TestSwitchTrap.test_run_specific
    @SwitchingTest
    void testSwitchTrapRunSpecific() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet s = Tasklet.spawn(() -> ev.add("s"));
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(s::run).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            s.run();
            assertThat(ev).containsExactly("s");
        });
    }

    // test_miscell.py TestSwitchTrap.test_run_paused: a paused tasklet stays paused after a failed run()
    @SwitchingTest
    void testSwitchTrapRunPaused() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet s = new Tasklet(() -> ev.add("s")).setup().remove();
            assertThat(s.isPaused()).isTrue();
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(s::run).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(s.isPaused()).isTrue();
            assertThat(s.isScheduled()).isFalse();
            assertThat(Stackless.runCount()).isEqualTo(1);
            Stackless.run();
            assertThat(ev).isEmpty();
            s.run();
            assertThat(ev).containsExactly("s");
        });
    }

    // test_miscell.py TestSwitchTrap.test_send
    @SwitchingTest
    void testSwitchTrapSend() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<Object> ev = new ArrayList<>();
            Tasklet.spawn(() -> ev.add(ch.receive()));
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(() -> ch.send("v")).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(ch.balance()).isZero();
            assertThat(Stackless.current().isBlocked()).isFalse();
            ch.send("v");
            assertThat(ev).containsExactly("v");
        });
    }

    // test_miscell.py TestSwitchTrap.test_receive
    @SwitchingTest
    void testSwitchTrapReceive() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet.spawn(() -> ch.send(1));
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(ch::receive).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(ch.balance()).isZero();
            assertThat(ch.receive()).isEqualTo(1);
        });
    }

    // test_miscell.py TestSwitchTrap.test_kill
    @SwitchingTest
    void testSwitchTrapKill() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet s = Tasklet.spawn(() -> {
                try {
                    ch.receive();
                } catch (TaskletExit e) {
                    ev.add("killed");
                    throw e;
                }
            });
            s.run();
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(s::kill).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(s.isBlocked()).as("still blocked after the trapped kill").isTrue();
            assertThat(ch.balance()).isEqualTo(-1);
            s.kill();
            assertThat(ev).containsExactly("killed");
        });
    }

    // spec §2.10: switch_trap(change) returns the old level
    @SwitchingTest
    void testSwitchTrapLevels() throws Throwable {
        Stackless.runAsMain(() -> {
            assertThat(Stackless.switchTrap(0)).isZero();
            assertThat(Stackless.switchTrap(1)).isZero();
            assertThat(Stackless.switchTrap(1)).isEqualTo(1);
            assertThat(Stackless.switchTrap(-1)).isEqualTo(2);
            assertThat(Stackless.switchTrap(-1)).isEqualTo(1);
            assertThat(Stackless.switchTrap(0)).isZero();
            // with nothing else runnable, schedule() does not switch and is therefore allowed
            Stackless.switchTrap(1);
            try {
                assertThat(Stackless.schedule("alone")).isEqualTo("alone");
            } finally {
                Stackless.switchTrap(-1);
            }
        });
    }

    // test_miscell.py TestErrorHandler.test_set
    @SwitchingTest
    void testErrorHandlerSet() throws Throwable {
        Stackless.runAsMain(() -> {
            ErrorHandler foo = e -> { };
            assertThat(Stackless.setErrorHandler(foo)).isNull();
            assertThat(Stackless.setErrorHandler(null)).isSameAs(foo);
            assertThat(Stackless.setErrorHandler(null)).isNull();
        });
    }

    // test_miscell.py TestErrorHandler.test_handler + test_getcurrent: swallowed, run in the dying tasklet
    @SwitchingTest
    void testErrorHandlerSwallows() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet[] handledIn = new Tasklet[1];
            Tasklet s = Tasklet.spawn(() -> {
                ev.add("ran");
                throw new ArithmeticException("I am borken");
            });
            Tasklet.spawn(() -> ev.add("other"));
            ErrorHandler old = Stackless.setErrorHandler(e -> {
                ev.add("handled " + e.getMessage());
                handledIn[0] = Stackless.current();
            });
            try {
                Stackless.run();
            } finally {
                Stackless.setErrorHandler(old);
            }
            assertThat(ev).containsExactly("ran", "handled I am borken", "other");
            assertThat(handledIn[0]).isSameAs(s);
        });
    }

    // test_miscell.py TestErrorHandler.test_borken_handler: what the handler throws goes to the watchdog
    @SwitchingTest
    void testErrorHandlerThrows() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet.spawn(() -> {
                ev.add("ran");
                throw new ArithmeticException("I am borken");
            });
            Stackless.setErrorHandler(e -> {
                ev.add("handled");
                throw new IndexOutOfBoundsException("we are the mods");
            });
            try {
                assertThatThrownBy(Stackless::run).isInstanceOf(IndexOutOfBoundsException.class)
                        .hasMessage("we are the mods");
            } finally {
                Stackless.setErrorHandler(null);
            }
            assertThat(ev).containsExactly("ran", "handled");
        });
    }

    // test_miscell.py TestErrorHandler.test_early_hrow: an error thrown before the body runs reaches the handler
    @SwitchingTest
    void testErrorHandlerEarlyThrow() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet[] handledIn = new Tasklet[1];
            Tasklet s = Tasklet.spawn(() -> ev.add("ran"));
            Stackless.setErrorHandler(e -> {
                ev.add("handled " + e.getMessage());
                handledIn[0] = Stackless.current();
            });
            try {
                s.throwInto(new ArithmeticException("thrown error"));
            } finally {
                Stackless.setErrorHandler(null);
            }
            assertThat(ev).containsExactly("handled thrown error");
            assertThat(handledIn[0]).isSameAs(s);
            assertThat(s.isAlive()).isFalse();
        });
    }

    // test_miscell.py TestErrorHandler.test_throw_pending: a pending throw does not reach the handler until run
    @SwitchingTest
    void testErrorHandlerThrowPending() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet s = Tasklet.spawn(() -> {
                ev.add("ran");
                Stackless.schedule();
                ev.add("not reached");
            });
            s.run();
            Stackless.setErrorHandler(e -> ev.add("handled " + e.getMessage()));
            try {
                s.throwInto(new ArithmeticException("thrown error"), true);
                ev.add("thrown");
                s.run();
            } finally {
                Stackless.setErrorHandler(null);
            }
            assertThat(ev).containsExactly("ran", "thrown", "handled thrown error");
        });
    }

    // test_miscell.py TestAtomic.testAtomic: set_atomic returns the previous value
    @SwitchingTest
    void testAtomic() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet c = Stackless.current();
            assertThat(c.isAtomic()).isFalse();
            assertThat(c.setAtomic(false)).isFalse();
            assertThat(c.isAtomic()).isFalse();
            assertThat(c.setAtomic(true)).isFalse();
            assertThat(c.isAtomic()).isTrue();
            assertThat(c.setAtomic(true)).isTrue();
            assertThat(c.setAtomic(false)).isTrue();
            assertThat(c.isAtomic()).isFalse();
        });
    }

    // test_miscell.py TestAtomic.testAtomicCtxt and testAtomicNopCtxt
    @SwitchingTest
    void testAtomicContext() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet c = Stackless.current();
            try (Atomic a = Stackless.atomic()) {
                assertThat(c.isAtomic()).isTrue();
                try (Atomic b = Stackless.atomic()) {
                    assertThat(c.isAtomic()).isTrue();
                }
                assertThat(c.isAtomic()).as("nested section restores the previous (true) value").isTrue();
            }
            assertThat(c.isAtomic()).isFalse();
        });
    }

    // spec §3.6: new tasklets start non-atomic even when created inside an atomic block; atomic is per tasklet
    @SwitchingTest
    void testAtomicNotInherited() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t;
            try (Atomic a = Stackless.atomic()) {
                t = Tasklet.spawn(() -> ev.add("atomic=" + Stackless.current().isAtomic()));
                assertThat(t.isAtomic()).isFalse();
                Stackless.run();
                assertThat(Stackless.current().isAtomic()).isTrue();
            }
            assertThat(ev).containsExactly("atomic=false");
        });
    }

    // test_miscell.py TestSchedule.testSchedule
    @SwitchingTest
    void testSchedule() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet previous = Stackless.current();
            Tasklet t = Tasklet.spawn(() -> ev.add("foo previous.scheduled=" + previous.isScheduled()));
            assertThat(t.isScheduled()).isTrue();
            Stackless.schedule();
            assertThat(ev).containsExactly("foo previous.scheduled=true");
        });
    }

    // test_miscell.py TestSchedule.testScheduleRemoveFail
    @SwitchingTest
    void testScheduleRemoveFail() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet previous = Stackless.current();
            Tasklet.spawn(() -> {
                ev.add("foo previous.scheduled=" + previous.isScheduled());
                previous.insert();
                ev.add("after insert previous.scheduled=" + previous.isScheduled());
            });
            Stackless.scheduleRemove();
            assertThat(ev).containsExactly("foo previous.scheduled=false", "after insert previous.scheduled=true");
        });
    }

    // test_miscell.py TestBind.test_unbind_fail_current
    @SwitchingTest
    void testBindFailCurrent() throws Throwable {
        Stackless.runAsMain(() -> {
            assertThatThrownBy(() -> Stackless.current().bind(null)).isInstanceOf(IllegalStateException.class)
                    .hasMessage(Spec.BIND_CURRENT);
        });
    }

    // test_miscell.py TestBind.test_unbind_fail_scheduled
    @SwitchingTest
    void testBindFailScheduled() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> { });
            assertThatThrownBy(() -> t.bind(null)).isInstanceOf(IllegalStateException.class)
                    .hasMessage(Spec.BIND_SCHEDULED);
            assertThat(t.isScheduled()).isTrue();
            Stackless.run();
        });
    }

    // test_miscell.py TestBind.test_bind_noargs: running a bound tasklet that was never set up fails
    @SwitchingTest
    void testBindNoSetupCannotRun() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = new Tasklet(() -> ev.add("f"));
            t.bind(() -> ev.add("g"));
            assertThatThrownBy(t::run).isInstanceOf(IllegalStateException.class).hasMessage(Spec.RUN_DEAD);
            assertThat(ev).isEmpty();
            t.setup();
            t.run();
            assertThat(ev).containsExactly("g");
        });
    }

    // test_miscell.py TestBind.test_bind: bind(null) leaves a not-alive tasklet; setup needs a bound body
    @SwitchingTest
    void testBindUnbindSetup() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = new Tasklet(() -> ev.add("f"));
            assertThat(t.bind(null)).isSameAs(t);
            assertThat(t.isAlive()).isFalse();
            assertThatThrownBy(t::setup).isInstanceOf(IllegalStateException.class).hasMessage(Spec.SETUP_UNBOUND);
            t.bind(() -> ev.add("g")).setup();
            assertThatThrownBy(t::setup).isInstanceOf(IllegalStateException.class).hasMessage(Spec.SETUP_ALIVE);
            Stackless.run();
            assertThat(ev).containsExactly("g");
            assertThat(t.isAlive()).isFalse();
        });
    }

    // test_miscell.py TestSwitch: switch() pauses the caller, run() keeps it scheduled
    @SwitchingTest
    void testSwitchPausesCaller() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet main = Stackless.current();
            Tasklet t = Tasklet.spawn(() -> {
                ev.add("t: main paused=" + main.isPaused() + " scheduled=" + main.isScheduled());
                main.run();
                ev.add("t end");
            });
            t.switchTo();
            ev.add("main back");
            assertThat(t.isScheduled()).isTrue();
            Stackless.run();
            assertThat(ev).containsExactly("t: main paused=true scheduled=false", "main back", "t end");
        });
    }

    // test_miscell.py TestSwitch.test_switch_blocked: switching to a blocked tasklet fails, mentioning "blocked"
    @SwitchingTest
    void testSwitchBlocked() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(ch::receive);
            t.run();
            assertThatThrownBy(t::switchTo).isInstanceOf(IllegalStateException.class).hasMessageContaining("blocked");
            assertThatThrownBy(t::run).isInstanceOf(IllegalStateException.class).hasMessage(Spec.RUN_BLOCKED);
            assertThat(t.isBlocked()).isTrue();
            assertThat(Stackless.current().isPaused()).isFalse();
            t.kill();
        });
    }

    // test_miscell.py TestSwitch.test_switch_paused_trapped: a trapped switch leaves everything unchanged
    @SwitchingTest
    void testSwitchPausedTrapped() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet s = new Tasklet(() -> ev.add("s")).setup().remove();
            Stackless.switchTrap(1);
            try {
                assertThatThrownBy(s::switchTo).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(Spec.SWITCH_TRAP);
            } finally {
                Stackless.switchTrap(-1);
            }
            assertThat(s.isPaused()).isTrue();
            assertThat(Stackless.current().isScheduled()).isTrue();
            assertThat(ev).isEmpty();
            s.insert();
            Stackless.run();
            assertThat(ev).containsExactly("s");
        });
    }

    // test_miscell.py TestTaskletThrowImmediate on a paused tasklet: inserted before the caller and run at once
    @SwitchingTest
    void testThrowPausedImmediate() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.scheduleRemove();
                } catch (Boom e) {
                    ev.add("caught " + e.getMessage());
                }
            });
            Stackless.run();
            assertThat(t.isPaused()).isTrue();
            Tasklet.spawn(() -> ev.add("O"));
            t.throwInto(new Boom("p"));
            ev.add("main");
            Stackless.run();
            assertThat(ev).containsExactly("caught p", "main", "O");
        });
    }

    // test_miscell.py TestTaskletThrowNonImmediate on a paused tasklet: it becomes scheduled, runs later
    @SwitchingTest
    void testThrowPausedPending() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.scheduleRemove();
                } catch (Boom e) {
                    ev.add("caught " + e.getMessage());
                }
            });
            Stackless.run();
            Tasklet.spawn(() -> ev.add("O"));
            t.throwInto(new Boom("p"), true);
            assertThat(t.isScheduled()).isTrue();
            assertThat(t.isPaused()).isFalse();
            ev.add("main");
            Stackless.run();
            assertThat(ev).containsExactly("main", "O", "caught p");
        });
    }

    // spec §3.3: throw into the current tasklet raises immediately in the caller (pending or not)
    @SwitchingTest
    void testThrowCurrent() throws Throwable {
        Stackless.runAsMain(() -> {
            Boom b = new Boom("self");
            assertThatThrownBy(() -> Stackless.current().throwInto(b)).isSameAs(b);
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.current().throwInto(new Boom("inner"), true);
                    ev.add("not raised");
                } catch (Boom e) {
                    ev.add("raised " + e.getMessage());
                }
            });
            t.run();
            assertThat(ev).containsExactly("raised inner");
        });
    }

    // test_miscell.py TestKill.test_kill_pending_true on a blocked tasklet: unblocked and scheduled at once
    @SwitchingTest
    void testKillPendingBlocked() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            List<String> ev = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    ch.receive();
                } catch (TaskletExit e) {
                    ev.add("killed");
                    throw e;
                }
            });
            t.run();
            t.kill(true);
            assertThat(t.isBlocked()).isFalse();
            assertThat(t.isScheduled()).isTrue();
            assertThat(ch.balance()).isZero();
            ev.add("main");
            Stackless.run();
            assertThat(ev).containsExactly("main", "killed");
            assertThat(t.isAlive()).isFalse();
        });
    }
}
