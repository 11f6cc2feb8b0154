package org.jstackless.soft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's programs: ordinary code that once gave wrong results under soft switching with no
 * error. Each runs soft (this class is woven by the build) and hard, with explicit switches and
 * under preemptive {@code run(ticks)} with budgets from 1 up; the soft run must print exactly what
 * the hard run prints, or raise the documented error at the call, with the tasklet and the
 * scheduler healthy afterwards.
 */
class SoftSafetyTest {
    // ------------------------------------------------------------ program 1: catch (Throwable)

    /** javac accepts it without 'throws Suspendable': the catch covers it. */
    static String safeReceive(Channel<String> ch) {
        try {
            String v = ch.receive();
            return "processed(" + v + ")";
        } catch (Throwable t) {
            return "error";
        }
    }

    static void program1(List<String> log, long budget) throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                spin(log, 20);
                log.add(safeReceive(ch));
            });
            log.add("soft " + t.isSoft());
            drain(log, budget);
            log.add("main sends");
            ch.send("v1");
            drain(log, budget);
            log.add("alive " + t.isAlive());
        });
    }

    // ------------------------------------------------------------ program 2: generic throws E

    interface Action<T, E extends Throwable> {
        T act() throws E;
    }

    static <T, E extends Throwable> T timed(String what, List<String> log, Action<T, E> a) throws E {
        try {
            return a.act();
        } finally {
            log.add(what + " done");
        }
    }

    static void program2(List<String> log, long budget) throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                String v = timed("rx", log, () -> {
                    spin(log, 10);
                    return ch.receive();
                });
                log.add("got " + v);
            });
            log.add("soft " + t.isSoft());
            drain(log, budget);
            ch.send("v2");
            drain(log, budget);
            log.add("alive " + t.isAlive());
        });
    }

    // ------------------------------------------------------------ program 3: a plain helper with a lambda

    interface Step {
        void run() throws Suspendable;
    }

    /** A plain helper: catches Suspendable around the lambda, so javac needs no 'throws'. */
    static void helper(List<String> log, Step s) {
        try {
            s.run();
        } catch (Suspendable impossible) {
            throw new AssertionError(impossible);
        }
        log.add("the plain frame returned");
    }

    static void program3(List<String> log, long budget) throws Exception {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> {
                log.add("body starts");
                helper(log, () -> {
                    log.add("before schedule()");
                    if (budget == 0) {
                        Stackless.schedule();
                    } else {
                        spin(log, 30);
                    }
                    log.add("after schedule()");
                });
                log.add("body ends");
            });
            Tasklet other = Tasklet.spawn(() -> log.add("~the other tasklet ran"));
            log.add("soft " + t.isSoft());
            log.add("other soft " + other.isSoft());
            drain(log, budget);
            log.add("alive " + t.isAlive());
        });
    }

    // ------------------------------------------------------------ program 4: JDK callbacks

    static void program4(List<String> log, long budget) throws Exception {
        Stackless.runAsMain(() -> {
            List<Tasklet> ts = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                int seed = k;
                ts.add(Tasklet.spawn(() -> {
                    Integer[] a = new Integer[40];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = (i * 7919 + seed * 31) % 101;
                    }
                    // The comparator is woven (it calls a suspendable method) but called by Arrays.sort.
                    Arrays.sort(a, (x, y) -> {
                        try {
                            busy(3);
                        } catch (Suspendable impossible) {
                            throw new AssertionError(impossible);
                        }
                        return Integer.compare(x, y);
                    });
                    StringBuilder sb = new StringBuilder();
                    List.of(a).stream().map(i -> i % 10).forEach(i -> sb.append(i));
                    log.add("sorted " + seed + " " + sb);
                }));
            }
            drain(log, budget);
            for (Tasklet t : ts) {
                log.add("alive " + t.isAlive());
            }
        });
    }

    // ------------------------------------------------------------ helpers

    /** Woven code that counts: tick points at its entry and back-edges. */
    static int busy(int n) throws Suspendable {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += i;
        }
        return s;
    }

    static void spin(List<String> log, int n) throws Suspendable {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += busy(i);
        }
        if (s < 0) {
            log.add("never");
        }
    }

    /** run() (budget 0) or run(budget) until nothing is runnable, re-inserting interrupted tasklets. */
    static void drain(List<String> log, long budget) throws Suspendable {
        if (budget == 0) {
            Stackless.run();
            return;
        }
        for (int guard = 0; guard < 1_000_000; guard++) {
            Tasklet v = Stackless.run(budget);
            if (v == null) {
                return;
            }
            v.insert();
        }
        throw new AssertionError("run(" + budget + ") never ended");
    }

    interface Program {
        void run(List<String> log, long budget) throws Exception;
    }

    /** The program's log run hard and run soft; soft tasklets must report that they are soft. */
    private static void sameSoftAndHard(Program p, long budget) throws Exception {
        List<String> hard = new ArrayList<>();
        boolean was = Stackless.enableSoftSwitch(false);
        try {
            p.run(hard, budget);
        } finally {
            Stackless.enableSoftSwitch(was);
        }
        List<String> soft = new ArrayList<>();
        p.run(soft, budget);
        List<String> expected = new ArrayList<>();
        for (String s : hard) {
            expected.add(s.replace("soft false", "soft true"));
        }
        if (budget > 0) {
            // Preempted, a soft tasklet is interrupted where it is, a hard one at its next switch:
            // lines of other tasklets ("~") may interleave differently; their set may not.
            assertThat(soft.stream().filter(x -> x.startsWith("~")).sorted().toList())
                    .isEqualTo(expected.stream().filter(x -> x.startsWith("~")).sorted().toList());
            soft.removeIf(x -> x.startsWith("~"));
            expected.removeIf(x -> x.startsWith("~"));
        }
        assertThat(soft).as("budget " + budget + ", hard: " + hard).isEqualTo(expected);
    }

    private static final long[] BUDGETS = {0, 1, 2, 3, 5, 8, 13, 40, 100, 1000, 10_000};

    @Test
    void program1CatchThrowableAroundReceive() throws Exception {
        for (long b : BUDGETS) {
            sameSoftAndHard(SoftSafetyTest::program1, b);
        }
        List<String> log = new ArrayList<>();
        program1(log, 0);
        assertThat(log).containsExactly("soft true", "main sends", "processed(v1)", "alive false");
    }

    @Test
    void program2GenericThrowsE() throws Exception {
        for (long b : BUDGETS) {
            sameSoftAndHard(SoftSafetyTest::program2, b);
        }
        List<String> log = new ArrayList<>();
        program2(log, 0);
        assertThat(log).containsExactly("soft true", "rx done", "got v2", "alive false");
    }

    @Test
    void program3PlainHelperWithALambda() throws Exception {
        for (long b : BUDGETS) {
            sameSoftAndHard(SoftSafetyTest::program3, b);
        }
        List<String> log = new ArrayList<>();
        program3(log, 0);
        assertThat(log).containsExactly("soft true", "other soft true", "body starts", "before schedule()", "~the other tasklet ran",
                "after schedule()", "the plain frame returned", "body ends", "alive false");
    }

    @Test
    void program4PreemptedInsideJdkCallbacksIsDeferred() throws Exception {
        for (long b : BUDGETS) {
            sameSoftAndHard(SoftSafetyTest::program4, b);
        }
        // The scheduler keeps working afterwards.
        List<String> log = new ArrayList<>();
        program3(log, 3);
        assertThat(log).contains("body ends", "alive false");
    }

    // ------------------------------------------------------------ refusals

    @Test
    void anExplicitSwitchInsideAJdkCallbackIsRefusedAtTheCallAndTheTaskletGoesOn() throws Exception {
        List<String> log = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet receiver = Tasklet.spawn(() -> {
                for (int i = 0; i < 2; i++) {
                    log.add("received " + ch.receive());
                }
            });
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    List.of(1, 2).forEach(i -> {
                        try {
                            ch.send(i);
                        } catch (Suspendable impossible) {
                            throw new AssertionError(impossible);
                        }
                    });
                    log.add("forEach returned");
                } catch (IllegalStateException e) {
                    log.add("refused: " + e.getMessage());
                }
                // Nothing changed: the channel and the scheduler are intact, and it can switch.
                log.add("balance " + ch.balance());
                ch.send(10);
                ch.send(20);
                log.add("sent");
            });
            assertThat(t.isSoft()).isTrue();
            Stackless.run();
            log.add("receiver alive " + receiver.isAlive() + ", t alive " + t.isAlive());
            // Later runs are unaffected.
            Tasklet after = Tasklet.spawn(() -> Stackless.schedule());
            assertThat(Stackless.run(5)).isNull();
            log.add("after alive " + after.isAlive());
        });
        assertThat(log.get(0)).startsWith("refused: a soft tasklet cannot switch here: the frame java.base/java.util.")
                .contains("forEach(", "is not woven", "Nothing was changed", "weave it",
                        "run this tasklet hard (Stackless.enableSoftSwitch(false)");
        assertThat(log.subList(1, log.size())).containsExactly("balance -1", "received 10", "received 20", "sent",
                "receiver alive false, t alive false", "after alive false");
    }

    @Test
    void theRefusalNamesAPlainCallBetweenWovenFrames() throws Exception {
        List<String> log = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> {
                Consumer<String> c = s -> {
                    try {
                        Stackless.schedule();
                    } catch (Suspendable impossible) {
                        throw new AssertionError(impossible);
                    }
                };
                try {
                    c.accept("x"); // a plain interface call: not a suspendable call site
                } catch (IllegalStateException e) {
                    log.add(e.getMessage());
                }
            });
            Tasklet.spawn(() -> log.add("other"));
            Stackless.run();
            assertThat(t.isAlive()).isFalse();
        });
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).contains("SoftSafetyTest", "SoftSafetyTest.java:", "through a plain call");
        assertThat(log.get(1)).isEqualTo("other");
    }

    @Test
    void aRefusalEndingTheTaskletLeavesNoZombie() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            TaskletBody body = () -> List.of(1).forEach(i -> {
                try {
                    ch.send(i);
                } catch (Suspendable impossible) {
                    throw new AssertionError(impossible);
                }
            });
            Tasklet t = Tasklet.spawn(body);
            Throwable thrown = null;
            try {
                Stackless.run();
            } catch (IllegalStateException e) {
                thrown = e;
            }
            assertThat(thrown).hasMessageContaining("cannot switch here");
            assertThat(t.isAlive()).isFalse();
            assertThat(ch.balance()).isZero();
            Tasklet next = Tasklet.spawn(() -> ch.send(5));
            assertThat(ch.receive()).isEqualTo(5);
            Stackless.run();
            assertThat(next.isAlive()).isFalse();
            assertThat(Stackless.runCount()).isEqualTo(1);
        });
    }
}
