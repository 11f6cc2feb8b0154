package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.GreenletTestSupport.onMain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jstackless.internal.switching.Mechanism;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coroutines and groups: the two switch tables of the seed ("Stackless and PyPy: nuts and bolts",
 * single group and three groups), asserted after every switch, and PyPy's coroutine semantics
 * (bind, switch, parent on end, kill, throw, misuse).
 */
class CoroutineGroupTest {
    static List<Mechanism> mechanisms() {
        return GreenletTestSupport.mechanisms();
    }

    /** The seed's switch sequence: coA1 coA2 coB4 coA3 coB5 coA1 coA3 coC6 coB4 coB5 coC7 coB4 coA1. */
    private static final String[] SCRIPT = {"A1", "A2", "B4", "A3", "B5", "A1", "A3", "C6", "B4", "B5", "C7", "B4", "A1"};

    /** The seed's table with one group: the current after each switch is the target itself. */
    private static final String[] SINGLE_TABLE = {"co1", "co2", "co4", "co3", "co5", "co1", "co3", "co6", "co4", "co5",
        "co7", "co4", "co1"};

    /** The seed's table with groups A, B and C: each switch changes only its own group's column. */
    private static final String[] THREE_GROUP_TABLE = {
        "co1 main main",
        "co2 main main",
        "co2 co4 main",
        "co3 co4 main",
        "co3 co5 main",
        "co1 co5 main",
        "co3 co5 main",
        "co3 co5 co6",
        "co3 co4 co6",
        "co3 co5 co6",
        "co3 co5 co7",
        "co3 co4 co7",
        "co1 co4 co7",
    };

    /** Drives a script of switches; every coroutine body runs the same loop: record, then switch on. */
    private static final class Driver {
        final Map<String, Coroutine> byName = new LinkedHashMap<>();
        final Map<Coroutine, String> names = new LinkedHashMap<>();
        final List<Group> groups;
        final List<String> rows = new ArrayList<>();
        final List<String> runners = new ArrayList<>();
        final Group home;
        int step;

        Driver(List<Group> groups, Group home) {
            this.groups = groups;
            this.home = home;
        }

        void add(String scriptName, String shownName, Group g) {
            Coroutine c = new Coroutine(g);
            byName.put(scriptName, c);
            names.put(c, shownName);
            c.bind(() -> {
                for (;;) {
                    record(shownName);
                    advance();
                }
            });
        }

        String row() {
            StringBuilder b = new StringBuilder();
            for (Group g : groups) {
                Coroutine cur = g.current();
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(cur.isMain() ? "main" : names.get(cur));
            }
            return b.toString();
        }

        void record(String runner) {
            runners.add(runner);
            rows.add(row());
        }

        void advance() throws Suspendable {
            if (step < SCRIPT.length) {
                byName.get(SCRIPT[step++]).switchTo();
            } else {
                home.main().switchTo();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void seedTableSingleGroup(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group g = new Group("single");
            Driver d = new Driver(List.of(g), g);
            for (int i = 1; i <= 7; i++) {
                String n = String.valueOf(i);
                d.add((i <= 3 ? "A" : i <= 5 ? "B" : "C") + n, "co" + n, g);
            }
            assertThat(d.row()).isEqualTo("main");
            d.advance();
            assertThat(d.rows).containsExactly(SINGLE_TABLE);
            // With one group the flow that runs after each switch is the target's own body.
            assertThat(d.runners).containsExactly(SINGLE_TABLE);
            assertThat(g.current()).isSameAs(g.main());
            assertThat(Coroutine.current(g)).isSameAs(g.main());
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void seedTableThreeGroups(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group a = new Group("A");
            Group b = new Group("B");
            Group c = new Group("C");
            Driver d = new Driver(List.of(a, b, c), a);
            d.add("A1", "co1", a);
            d.add("A2", "co2", a);
            d.add("A3", "co3", a);
            d.add("B4", "co4", b);
            d.add("B5", "co5", b);
            d.add("C6", "co6", c);
            d.add("C7", "co7", c);
            assertThat(d.row()).isEqualTo("main main main");
            Tasklet mainTasklet = Stackless.current();
            d.advance();
            assertThat(d.rows).containsExactly(THREE_GROUP_TABLE);
            // Back on the thread stack via A's main: only A's current changed; the tasklet scheduler saw nothing.
            assertThat(d.row()).isEqualTo("main co4 co7");
            assertThat(Stackless.current()).isSameAs(mainTasklet);
            assertThat(Coroutine.current(b)).isSameAs(d.byName.get("B4"));
            assertThat(Coroutine.current(c)).isSameAs(d.byName.get("C7"));
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void seedTableTaskletGreenletMyConcept(Mechanism m) throws Exception {
        // The seed's last picture: the same switches with one column per concept. Greenlets take
        // the middle column; two user groups stand in for the others.
        onMain(m, () -> {
            Group ta = new Group("tasklet-like");
            Group my = new Group("myconcept");
            List<String> rows = new ArrayList<>();
            Map<Object, String> names = new LinkedHashMap<>();
            int[] step = {0};
            Object[] targets = new Object[SCRIPT.length];
            Map<String, Object> byName = new LinkedHashMap<>();
            Runnable record = () -> {
                Coroutine x = ta.current();
                Greenlet y = Greenlet.current();
                Coroutine z = my.current();
                rows.add((x.isMain() ? "main" : names.get(x)) + " " + (y.isMain() ? "main" : names.get(y)) + " "
                        + (z.isMain() ? "main" : names.get(z)));
            };
            TaskletBody[] advance = new TaskletBody[1];
            advance[0] = () -> {
                if (step[0] < SCRIPT.length) {
                    Object t = targets[step[0]++];
                    if (t instanceof Greenlet gl) {
                        gl.switchTo();
                    } else {
                        ((Coroutine) t).switchTo();
                    }
                } else {
                    ta.main().switchTo();
                }
            };
            for (int i = 1; i <= 7; i++) {
                String key = (i <= 3 ? "A" : i <= 5 ? "B" : "C") + i;
                Object o;
                if (i == 4 || i == 5) {
                    o = new Greenlet(args -> {
                        for (;;) {
                            record.run();
                            advance[0].run();
                        }
                    });
                    names.put(o, "gr" + i);
                } else {
                    Coroutine co = new Coroutine(i <= 3 ? ta : my).bind(() -> {
                        for (;;) {
                            record.run();
                            advance[0].run();
                        }
                    });
                    o = co;
                    names.put(o, (i <= 3 ? "ta" : "my") + i);
                }
                byName.put(key, o);
            }
            for (int i = 0; i < SCRIPT.length; i++) {
                targets[i] = byName.get(SCRIPT[i]);
            }
            advance[0].run();
            List<String> expected = new ArrayList<>();
            for (String row : THREE_GROUP_TABLE) {
                String[] cols = row.split(" ");
                expected.add(cols[0].replace("co", "ta") + " " + cols[1].replace("co", "gr") + " "
                        + cols[2].replace("co", "my"));
            }
            assertThat(rows).containsExactlyElementsOf(expected);
            assertThat(Greenlet.current().isMain()).isFalse();
            assertThat(names.get(Greenlet.current())).isEqualTo("gr4");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void endReturnsToParentAndCoroutineMayBeReboundAfterDeath(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group g = new Group("g");
            List<String> log = new ArrayList<>();
            Coroutine main = g.main();
            Coroutine c = new Coroutine(g);
            assertThat(c.isAlive()).isFalse();
            c.bind(() -> {
                log.add("c1");
                main.switchTo();
                log.add("c2");
            });
            assertThat(c.isAlive()).isTrue();
            assertThat(c.isStarted()).isFalse();
            assertThat(c.parent()).isSameAs(main);
            c.switchTo();
            log.add("m1");
            assertThat(g.current()).isSameAs(main);
            c.switchTo();
            log.add("m2");
            assertThat(c.isAlive()).isFalse();
            assertThat(log).containsExactly("c1", "m1", "c2", "m2");
            assertThatThrownBy(c::switchTo).isInstanceOf(IllegalStateException.class).hasMessageContaining("dead");
            c.bind(() -> log.add("again"));
            c.switchTo();
            assertThat(log).endsWith("again");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void parentIsTheCurrentAtBindAndDeadParentsAreSkipped(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group g = new Group("g");
            List<String> log = new ArrayList<>();
            Coroutine[] inner = new Coroutine[1];
            Coroutine outer = new Coroutine(g).bind(() -> {
                inner[0] = new Coroutine(g).bind(() -> {
                    log.add("inner starts");
                    g.main().switchTo();
                    log.add("inner ends");
                });
                assertThat(inner[0].parent()).isSameAs(Coroutine.current(g));
                inner[0].switchTo();
                log.add("outer ends");
            });
            outer.switchTo();
            // inner switched to main; outer is suspended in inner.switchTo()
            outer.switchTo();
            log.add("main after outer");
            // outer resumed from its pending inner.switchTo() and ended, returning to its parent (main)
            assertThat(outer.isAlive()).isFalse();
            inner[0].switchTo();
            log.add("main after inner");
            assertThat(log).containsExactly("inner starts", "outer ends", "main after outer", "inner ends",
                    "main after inner");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void uncaughtExceptionIsRaisedInTheParentsPendingSwitch(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group g = new Group("g");
            Coroutine c = new Coroutine(g).bind(() -> {
                throw new java.io.IOException("boom");
            });
            assertThatThrownBy(c::switchTo).isInstanceOf(java.io.IOException.class).hasMessage("boom");
            assertThat(c.isAlive()).isFalse();
            assertThat(g.current()).isSameAs(g.main());
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void killRunsFinallyAndReturnsToTheKillerWithoutPropagating(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group g = new Group("g");
            List<String> log = new ArrayList<>();
            Coroutine other = new Coroutine(g).bind(() -> log.add("other never runs"));
            Coroutine victim = new Coroutine(g).bind(() -> {
                try {
                    g.main().switchTo();
                    log.add("not reached");
                } finally {
                    log.add("finally");
                }
            });
            victim.switchTo();
            Coroutine killer = new Coroutine(g).bind(() -> {
                victim.kill();
                log.add("killer resumes");
            });
            killer.switchTo();
            assertThat(log).containsExactly("finally", "killer resumes");
            assertThat(victim.isAlive()).isFalse();
            assertThat(killer.isAlive()).isFalse();
            other.kill(); // not started: it just stops being alive
            assertThat(other.isAlive()).isFalse();
            other.kill(); // dead: no-op
            new Coroutine(g).kill(); // unbound: no-op
            assertThat(log).doesNotContain("other never runs");
            assertThatThrownBy(() -> g.main().kill()).isInstanceOf(TaskletExit.class); // main is current: raised here
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void throwIntoRaisesAtTheSuspendedSwitchAndUnstartedNeverRuns(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group g = new Group("g");
            List<String> log = new ArrayList<>();
            Coroutine c = new Coroutine(g).bind(() -> {
                try {
                    g.main().switchTo();
                } catch (IllegalArgumentException e) {
                    log.add("caught " + e.getMessage());
                    g.main().switchTo();
                }
            });
            c.switchTo();
            c.throwInto(new IllegalArgumentException("x"));
            assertThat(log).containsExactly("caught x");
            Coroutine unstarted = new Coroutine(g).bind(() -> log.add("ran"));
            assertThatThrownBy(() -> unstarted.throwInto(new ArithmeticException("y")))
                    .isInstanceOf(ArithmeticException.class);
            assertThat(unstarted.isAlive()).isFalse();
            assertThat(log).containsExactly("caught x");
            assertThatThrownBy(() -> unstarted.throwInto(new RuntimeException()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("dead");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void aConceptsEndingDecidesWhatAnErrorThatEndedABodyBecomesForItsParent(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group g = new Group("actors");
            List<String> crashes = new ArrayList<>();
            // A user's concept ("let it crash"): its own failures end a body quietly, others still reach the parent.
            Coroutine.Ending letItCrash = e -> {
                if (e instanceof IllegalStateException) {
                    crashes.add(e.getMessage());
                    return null;
                }
                return Coroutine.raising(e);
            };
            Coroutine crashing = new Coroutine(g, letItCrash).bind(() -> {
                throw new IllegalStateException("boom");
            });
            crashing.switchTo(); // ended quietly: nothing raised here
            assertThat(crashes).containsExactly("boom");
            assertThat(crashing.isAlive()).isFalse();
            Coroutine failing = new Coroutine(g, letItCrash).bind(() -> {
                throw new ArithmeticException("not ours");
            });
            assertThatThrownBy(failing::switchTo).isInstanceOf(ArithmeticException.class).hasMessage("not ours");
            // The default ending raises the same error at the parent.
            Coroutine plain = new Coroutine(g).bind(() -> {
                throw new IllegalStateException("boom");
            });
            assertThatThrownBy(plain::switchTo).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            assertThat(crashes).containsExactly("boom");
            assertThatThrownBy(() -> new Coroutine(g, null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("ending");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void misuseIsRefusedWithAMessage(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group g = new Group("g");
            Coroutine c = new Coroutine(g);
            assertThatThrownBy(c::switchTo).isInstanceOf(IllegalStateException.class).hasMessageContaining("unbound");
            c.bind(() -> { });
            assertThatThrownBy(() -> c.bind(() -> { })).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot bind a bound coroutine");
            assertThatThrownBy(() -> g.main().bind(() -> { })).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new Coroutine(null)).isInstanceOf(NullPointerException.class);
            // A group is confined to the thread that first used it.
            AtomicReference<Throwable> other = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    g.current();
                } catch (Throwable e) {
                    other.set(e);
                }
            });
            t.start();
            t.join();
            assertThat(other.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot switch to a different thread");
            // Switching to the current coroutine does nothing.
            g.main().switchTo();
            assertThat(g.current()).isSameAs(g.main());
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void switchingAGroupInsideATaskletLeavesTheSchedulerAlone(Mechanism m) throws Exception {
        onMain(m, () -> {
            Group g = new Group("g");
            List<String> log = new ArrayList<>();
            Tasklet[] me = new Tasklet[1];
            Coroutine c = new Coroutine(g).bind(() -> {
                log.add("co sees " + (Stackless.current() == me[0] ? "t1" : "other"));
                g.main().switchTo();
                log.add("co again");
            });
            me[0] = Tasklet.spawn(() -> {
                log.add("t1 start");
                c.switchTo();
                log.add("t1 back");
                Stackless.schedule();
                log.add("t1 resumed");
                c.switchTo();
                log.add("t1 end");
            });
            Tasklet.spawn(() -> log.add("t2"));
            Stackless.run();
            assertThat(log).containsExactly("t1 start", "co sees t1", "t1 back", "t2", "t1 resumed", "co again",
                    "t1 end");
        });
    }
}
