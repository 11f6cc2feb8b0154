package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.GreenletTestSupport.onMain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jstackless.internal.switching.Mechanism;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greenlet semantics, ported from greenlet's own suite ({@code src/greenlet/tests/test_greenlet.py}
 * and {@code test_throw.py}); each test names its source. Python's TypeError/ValueError/
 * AttributeError map to {@link IllegalArgumentException} (bad argument) or
 * {@link IllegalStateException} (bad state), and the empty tuple {@code ()} to null.
 */
class GreenletTest {
    static List<Mechanism> mechanisms() {
        return GreenletTestSupport.mechanisms();
    }

    static final class SomeError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SomeError() {
            super("some error");
        }
    }

    /** {@code greenlet.getcurrent().parent.switch(args)}: the helper both test files use. */
    static Object toParent(Object... args) throws Suspendable {
        return Greenlet.current().parent().switchTo(args);
    }

    /** test_greenlet.py fmain: wait for the parent, record what is raised into us, then raise SomeError. */
    static Object fmain(List<Object> seen) throws Suspendable {
        try {
            toParent();
        } catch (Throwable t) {
            seen.add(t.getClass());
            throw t;
        }
        throw new SomeError();
    }

    // ---------------------------------------------------------------- test_greenlet.py

    private static void doSimple() throws Suspendable {
        List<Integer> lst = new ArrayList<>();
        Greenlet g = new Greenlet(a -> {
            lst.add(1);
            toParent();
            lst.add(3);
            return null;
        });
        lst.add(0);
        g.switchTo();
        lst.add(2);
        g.switchTo();
        lst.add(4);
        assertThat(lst).containsExactly(0, 1, 2, 3, 4);
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_simple(Mechanism m) throws Exception {
        onMain(m, GreenletTest::doSimple);
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_switch_no_run_raises_AttributeError(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g = new Greenlet(null);
            assertThatThrownBy(g::switchTo).isInstanceOf(IllegalStateException.class).hasMessageContaining("run");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_throw_no_run_raises_AttributeError(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g = new Greenlet(null);
            assertThatThrownBy(() -> g.throwInto(new SomeError())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("run");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_parent_equals_None(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g = new Greenlet(a -> null, null);
            assertThat(g.parent()).isSameAs(Greenlet.current());
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_two_children(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<Integer> lst = new ArrayList<>();
            GreenletBody f = a -> {
                lst.add(1);
                toParent();
                lst.add(1);
                lst.add(1);
                return null;
            };
            Greenlet g = new Greenlet(f);
            Greenlet h = new Greenlet(f);
            g.switchTo();
            assertThat(lst).hasSize(1);
            h.switchTo();
            assertThat(lst).hasSize(2);
            h.switchTo();
            assertThat(lst).hasSize(4);
            assertThat(h.isDead()).isTrue();
            g.switchTo();
            assertThat(lst).hasSize(6);
            assertThat(g.isDead()).isTrue();
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_two_recursive_children(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> lst = new ArrayList<>();
            GreenletBody f = a -> {
                lst.add("b");
                toParent();
                return null;
            };
            Greenlet g = new Greenlet(a -> {
                lst.add("a");
                new Greenlet(f).switchTo();
                lst.add("c");
                return null;
            });
            g.switchTo();
            assertThat(lst).containsExactly("a", "b", "c");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_threads(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<Boolean> success = Collections.synchronizedList(new ArrayList<>());
            List<Thread> ths = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ths.add(new Thread(() -> {
                    try {
                        Stackless.runAsMain(GreenletTest::doSimple);
                        success.add(true);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            ths.forEach(Thread::start);
            for (Thread t : ths) {
                t.join(10_000);
            }
            assertThat(success).hasSize(10);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_exception(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<Object> seen = new ArrayList<>();
            Greenlet g1 = new Greenlet(a -> fmain(seen));
            Greenlet g2 = new Greenlet(a -> fmain(seen));
            g1.switchTo(seen);
            g2.switchTo(seen);
            g2.setParent(g1);
            assertThat(seen).isEmpty();
            assertThatThrownBy(g2::switchTo).isInstanceOf(SomeError.class);
            assertThat(seen).containsExactly(SomeError.class);
            assertThat(g2.switchTo()).isNull(); // Python's ()
            assertThat(seen).containsExactly(SomeError.class);
            assertThat(g2.switchTo(25)).isEqualTo(25);
            assertThat(seen).containsExactly(SomeError.class);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_send_exception(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<Object> seen = new ArrayList<>();
            Greenlet g1 = new Greenlet(a -> fmain(seen));
            g1.switchTo(seen);
            // send_exception: a child of g1 that raises; its exception propagates into g1
            Greenlet crasher = new Greenlet(a -> {
                throw (RuntimeException) a[0];
            }, g1);
            assertThatThrownBy(() -> crasher.switchTo(new IllegalStateException("key")))
                    .isInstanceOf(IllegalStateException.class).hasMessage("key");
            assertThat(seen).containsExactly(IllegalStateException.class);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_frame(Mechanism m) throws Exception {
        // gr_frame is not exposed; what carries over: a suspended greenlet is active, the run
        // value reaches the starter, and a finished one is neither active nor suspended.
        onMain(m, () -> {
            Greenlet g = new Greenlet(a -> {
                toParent("suspended");
                return "meaning of life";
            });
            assertThat(g.switchTo()).isEqualTo("suspended");
            assertThat(g.isActive()).isTrue();
            Object fromG = g.switchTo();
            assertThat(g.isActive()).isFalse();
            assertThat(fromG).isEqualTo("meaning of life");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_switch_kwargs_to_parent_packing(Mechanism m) throws Exception {
        // test_switch_kwargs_to_parent + spec §11 [verified]: switch(), switch(1), switch(1, 2).
        onMain(m, () -> {
            List<Object> got = new ArrayList<>();
            Greenlet g = new Greenlet(a -> {
                for (int i = 0; i < 3; i++) {
                    got.add(toParent());
                }
                return new Object[] {1, 2};
            });
            g.switchTo();
            g.switchTo();
            g.switchTo(1);
            Object last = g.switchTo(1, 2);
            assertThat(got.get(0)).isNull();
            assertThat(got.get(1)).isEqualTo(1);
            assertThat((Object[]) got.get(2)).containsExactly(1, 2);
            assertThat((Object[]) last).containsExactly(1, 2); // a run value that is an array is delivered as is
            Greenlet h = new Greenlet(a -> {
                toParent(a[0]);
                toParent(2, a[0]);
                return new Object[] {a[0], (Integer) a[0] * (Integer) a[0]};
            });
            assertThat(h.switchTo(3)).isEqualTo(3);
            assertThat((Object[]) h.switchTo()).containsExactly(2, 3);
            assertThat((Object[]) h.switchTo()).containsExactly(3, 9);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_switch_to_another_thread(Mechanism m) throws Exception {
        onMain(m, () -> {
            AtomicReference<Greenlet> ref = new AtomicReference<>();
            CountDownLatch created = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                ref.set(new Greenlet(a -> null));
                created.countDown();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            created.await();
            assertThatThrownBy(() -> ref.get().switchTo()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot switch to a different thread");
            done.countDown();
            t.join();
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_parent_return_failure(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g1 = new Greenlet(null);
            Greenlet g2 = new Greenlet(a -> null, g1);
            // g2 falls off its end into g1, which has no run: the error reaches us
            assertThatThrownBy(g2::switchTo).isInstanceOf(IllegalStateException.class).hasMessageContaining("run");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_throw_exception_not_lost(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g = new Greenlet(a -> null);
            assertThatThrownBy(() -> g.throwInto(new SomeError())).isInstanceOf(SomeError.class);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_falling_off_end_switches_to_unstarted_parent_raises_error(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet parentNeverStarted = new Greenlet(a -> {
                if (a.length != 0) {
                    throw new IllegalArgumentException("no_args() takes 0 positional arguments but " + a.length
                            + " were given");
                }
                return 13;
            });
            Greenlet child = new Greenlet(a -> 42, parentNeverStarted);
            assertThatThrownBy(child::switchTo).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("positional arguments");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_falling_off_end_switches_to_unstarted_parent_works(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet parentNeverStarted = new Greenlet(a -> new Object[] {a[0], 24});
            Greenlet child = new Greenlet(a -> 42, parentNeverStarted);
            assertThat((Object[]) child.switchTo()).containsExactly(42, 24);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_switch_to_dead_greenlet_reparent(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<Integer> seen = new ArrayList<>();
            Greenlet parentNeverStarted = new Greenlet(a -> {
                seen.add(24);
                return null;
            });
            Greenlet child = new Greenlet(a -> {
                seen.add(42);
                return null;
            });
            child.switchTo();
            assertThat(seen).containsExactly(42);
            child.setParent(parentNeverStarted);
            // the same as switching to the parent
            assertThat(child.switchTo()).isNull();
            assertThat(seen).containsExactly(42, 24);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_threaded_reparent(Mechanism m) throws Exception {
        onMain(m, () -> {
            AtomicReference<Greenlet> ref = new AtomicReference<>();
            Thread t = new Thread(() -> ref.set(new Greenlet(a -> null)));
            t.start();
            t.join();
            Greenlet g = new Greenlet(a -> toParent());
            g.switchTo();
            assertThatThrownBy(() -> g.setParent(ref.get())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("parent cannot be on a different thread");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_main_greenlet_parent_is_none(Mechanism m) throws Exception {
        onMain(m, () -> {
            assertThat(Greenlet.current().parent()).isNull();
            assertThat(Greenlet.current().isMain()).isTrue();
            assertThat(Greenlet.current().isActive()).isTrue();
            assertThat(Greenlet.current().isDead()).isFalse();
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_set_parent_wrong_types(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g = new Greenlet(a -> toParent());
            assertThatThrownBy(() -> g.setParent(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not null");
            g.switchTo();
            assertThat(g.isActive()).isTrue();
            assertThatThrownBy(() -> g.setParent(null)).isInstanceOf(IllegalArgumentException.class);
            g.switchTo();
            assertThat(g.isDead()).isTrue();
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_trivial_cycle(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g = new Greenlet(a -> null);
            assertThatThrownBy(() -> g.setParent(g)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cyclic parent chain");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_trivial_cycle_main(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet main = Greenlet.current();
            assertThatThrownBy(() -> main.setParent(main)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot set the parent of a main greenlet");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_deeper_cycle(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g1 = new Greenlet(a -> null);
            Greenlet g2 = new Greenlet(a -> null);
            Greenlet g3 = new Greenlet(a -> null);
            g1.setParent(g2);
            g2.setParent(g3);
            assertThatThrownBy(() -> g3.setParent(g1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cyclic parent chain");
            assertThat(g3.parent()).isSameAs(Greenlet.current());
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void testRepr_states(Mechanism m) throws Exception {
        // TestRepr: test_main_while_running, test_main_in_background, test_initial, test_dead
        onMain(m, () -> {
            Greenlet main = Greenlet.current();
            assertThat(main.toString()).endsWith("current active started main]");
            Greenlet g = new Greenlet(a -> main.toString());
            assertThat(g.toString()).endsWith("pending]");
            assertThat(g.switchTo()).asString().endsWith("suspended active started main]");
            assertThat(g.toString()).endsWith("dead]").doesNotContain("active");
        });
    }

    // ---------------------------------------------------------------- test_throw.py

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_class(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g = new Greenlet(a -> {
                try {
                    toParent("ok");
                } catch (RuntimeException e) {
                    toParent("ok");
                    return null;
                }
                toParent("fail");
                return null;
            });
            assertThat(g.switchTo()).isEqualTo("ok");
            assertThat(g.throwInto(new RuntimeException())).isEqualTo("ok");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_val(Mechanism m) throws Exception {
        onMain(m, () -> {
            for (int i = 0; i < 2; i++) {
                Greenlet g = new Greenlet(a -> {
                    try {
                        toParent("ok");
                    } catch (RuntimeException e) {
                        if ("ciao".equals(e.getMessage())) {
                            toParent("ok");
                            return null;
                        }
                    }
                    toParent("fail");
                    return null;
                });
                assertThat(g.switchTo()).isEqualTo("ok");
                assertThat(g.throwInto(new RuntimeException("ciao"))).isEqualTo("ok");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_kill(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet g = new Greenlet(a -> {
                toParent("ok");
                toParent("fail");
                return null;
            });
            assertThat(g.switchTo()).isEqualTo("ok");
            Object res = g.kill();
            assertThat(res).isInstanceOf(GreenletExit.class);
            assertThat(g.isDead()).isTrue();
            res = g.kill(); // immediately eaten by the already-dead greenlet
            assertThat(res).isInstanceOf(GreenletExit.class);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_throw_goes_to_original_parent(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet main = Greenlet.current();
            GreenletBody f1 = a -> {
                try {
                    main.switchTo("f1 ready to catch");
                } catch (IndexOutOfBoundsException e) {
                    return "caught";
                }
                return "normal exit";
            };
            GreenletBody f2 = a -> main.switchTo("from f2");

            Greenlet g1 = new Greenlet(f1);
            Greenlet g2 = new Greenlet(f2, g1);
            assertThatThrownBy(() -> g2.throwInto(new IndexOutOfBoundsException()))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(g2.isDead()).isTrue();
            assertThat(g1.isDead()).isTrue();

            Greenlet h1 = new Greenlet(f1);
            Greenlet h2 = new Greenlet(f2, h1);
            assertThat(h1.switchTo()).isEqualTo("f1 ready to catch");
            assertThat(h2.throwInto(new IndexOutOfBoundsException())).isEqualTo("caught");
            assertThat(h2.isDead()).isTrue();
            assertThat(h1.isDead()).isTrue();

            Greenlet k1 = new Greenlet(f1);
            Greenlet k2 = new Greenlet(f2, k1);
            assertThat(k1.switchTo()).isEqualTo("f1 ready to catch");
            assertThat(k2.switchTo()).isEqualTo("from f2");
            assertThat(k2.throwInto(new IndexOutOfBoundsException())).isEqualTo("caught");
            assertThat(k2.isDead()).isTrue();
            assertThat(k1.isDead()).isTrue();
        });
    }

    // ---------------------------------------------------------------- spec §11 rules

    @ParameterizedTest
    @MethodSource("mechanisms")
    void switchToSelfReturnsTheArgumentsPacked(Mechanism m) throws Exception {
        onMain(m, () -> {
            Greenlet me = Greenlet.current();
            assertThat(me.switchTo()).isNull();
            assertThat(me.switchTo("x")).isEqualTo("x");
            assertThat((Object[]) me.switchTo("x", "y")).containsExactly("x", "y");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void greenletExitEndingTheBodyIsReturnedNotRaised(Mechanism m) throws Exception {
        onMain(m, () -> {
            GreenletExit exit = new GreenletExit("bye");
            Greenlet g = new Greenlet(a -> {
                throw exit;
            });
            assertThat(g.switchTo()).isSameAs(exit);
            assertThat(g.isDead()).isTrue();
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void throwIntoUnstartedNeverRunsTheBody(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> ran = new ArrayList<>();
            Greenlet g = new Greenlet(a -> ran.add("ran"));
            Object r = g.throwInto(new GreenletExit());
            assertThat(r).isInstanceOf(GreenletExit.class);
            assertThat(g.isDead()).isTrue();
            assertThat(ran).isEmpty();
            Greenlet h = new Greenlet(a -> ran.add("ran"));
            assertThatThrownBy(() -> h.throwInto(new ArithmeticException("z"))).isInstanceOf(ArithmeticException.class);
            assertThat(ran).isEmpty();
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void switchToDeadGoesToNearestLiveAncestorAndRunValueToParent(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Greenlet mid = new Greenlet(a -> {
                log.add("mid got " + a[0]);
                Object v = toParent("mid waiting");
                log.add("mid resumed with " + v);
                return "mid done";
            });
            Greenlet leaf = new Greenlet(a -> "leaf result", mid);
            // leaf ends: its run value starts its unstarted parent with that value as argument
            assertThat(leaf.switchTo()).isEqualTo("mid waiting");
            assertThat(leaf.isDead()).isTrue();
            // switching to the dead leaf resumes mid, its nearest active ancestor, with the args
            assertThat(leaf.switchTo("via dead leaf")).isEqualTo("mid done");
            assertThat(log).containsExactly("mid got leaf result", "mid resumed with via dead leaf");
            assertThat(leaf.switchTo()).isNull(); // everything dead up to main, which is current
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void throwIntoCurrentRaisesHereAndSubclassRunIsUsed(Mechanism m) throws Exception {
        onMain(m, () -> {
            assertThatThrownBy(() -> Greenlet.current().throwInto(new SomeError())).isInstanceOf(SomeError.class);
            Greenlet sub = new Greenlet() {
                @Override
                protected Object run(Object... args) throws Suspendable {
                    return Arrays.asList(args);
                }
            };
            assertThat(sub.switchTo(1, 2)).isEqualTo(List.of(1, 2));
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void greenletsInsideATaskletDoNotChangeTheCurrentTasklet(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Tasklet[] t = new Tasklet[1];
            t[0] = Tasklet.spawn(() -> {
                Greenlet g = new Greenlet(a -> {
                    log.add("in greenlet, current tasklet is t: " + (Stackless.current() == t[0]));
                    return "r";
                });
                log.add("result " + g.switchTo());
            });
            Stackless.run();
            assertThat(log).containsExactly("in greenlet, current tasklet is t: true", "result r");
        });
    }
}
