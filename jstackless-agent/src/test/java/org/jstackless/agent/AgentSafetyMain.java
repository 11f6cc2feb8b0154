package org.jstackless.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * Issue 11's four programs for a child JVM with the agent (this class is not woven at build time):
 * each runs hard and soft, with explicit switches and under run(ticks); prints one summary line.
 */
public final class AgentSafetyMain {
    private AgentSafetyMain() {
    }

    static String safeReceive(Channel<String> ch) {
        try {
            String v = ch.receive();
            return "processed(" + v + ")";
        } catch (Throwable t) {
            return "error";
        }
    }

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

    interface Step {
        void run() throws Suspendable;
    }

    static void helper(List<String> log, Step s) {
        try {
            s.run();
        } catch (Suspendable impossible) {
            throw new AssertionError(impossible);
        }
        log.add("the plain frame returned");
    }

    static int busy(int n) throws Suspendable {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += i;
        }
        return s;
    }

    static void spin(int n) throws Suspendable {
        for (int i = 0; i < n; i++) {
            busy(i);
        }
    }

    static void drain(long budget) throws Suspendable {
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

    static boolean allSoft = true;

    static void program(int n, List<String> log, long budget, boolean soft) throws Exception {
        Stackless.runAsMain(() -> {
            List<Tasklet> ts = new ArrayList<>();
            Channel<String> ch = new Channel<>();
            switch (n) {
                case 1 -> ts.add(Tasklet.spawn(() -> {
                    spin(20);
                    log.add(safeReceive(ch));
                }));
                case 2 -> ts.add(Tasklet.spawn(() -> log.add("got " + timed("rx", log, () -> {
                    spin(10);
                    return ch.receive();
                }))));
                case 3 -> ts.add(Tasklet.spawn(() -> {
                    log.add("body starts");
                    helper(log, () -> {
                        log.add("before schedule()");
                        if (budget == 0) {
                            Stackless.schedule();
                        } else {
                            spin(30);
                        }
                        log.add("after schedule()");
                    });
                    log.add("body ends");
                }));
                default -> {
                    for (int k = 0; k < 3; k++) {
                        int seed = k;
                        ts.add(Tasklet.spawn(() -> {
                            Integer[] a = new Integer[40];
                            for (int i = 0; i < a.length; i++) {
                                a[i] = (i * 7919 + seed * 31) % 101;
                            }
                            Arrays.sort(a, (x, y) -> {
                                try {
                                    busy(3);
                                } catch (Suspendable impossible) {
                                    throw new AssertionError(impossible);
                                }
                                return Integer.compare(x, y);
                            });
                            StringBuilder sb = new StringBuilder();
                            List.of(a).stream().map(i -> i % 10).forEach(sb::append);
                            log.add("sorted " + seed + " " + sb);
                        }));
                    }
                }
            }
            for (Tasklet t : ts) {
                if (soft && !t.isSoft()) {
                    allSoft = false;
                }
            }
            drain(budget);
            if (n <= 2) {
                ch.send("v" + n);
                drain(budget);
            }
            for (Tasklet t : ts) {
                log.add("alive " + t.isAlive());
            }
        });
    }

    public static void main(String[] args) throws Exception {
        long[] budgets = {0, 1, 2, 3, 5, 8, 13, 40, 100, 1000, 10_000};
        int same = 0;
        int differ = 0;
        for (int n = 1; n <= 4; n++) {
            for (long b : budgets) {
                List<String> hard = new ArrayList<>();
                boolean was = Stackless.enableSoftSwitch(false);
                try {
                    program(n, hard, b, false);
                } finally {
                    Stackless.enableSoftSwitch(was);
                }
                List<String> soft = new ArrayList<>();
                program(n, soft, b, true);
                if (hard.equals(soft)) {
                    same++;
                } else {
                    differ++;
                    System.out.println("DIFF program " + n + " budget " + b + ": hard " + hard + " soft " + soft);
                }
            }
        }
        System.out.println("all soft=" + allSoft);
        System.out.println("programs=4 budgets=" + budgets.length + " same=" + same + " differ=" + differ);
        // An explicit switch inside a JDK callback: refused at the call, the tasklet goes on.
        List<String> log = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet.spawn(() -> log.add("received " + ch.receive()));
            Tasklet.spawn(() -> {
                try {
                    List.of(1).forEach(i -> {
                        try {
                            ch.send(i);
                        } catch (Suspendable impossible) {
                            throw new AssertionError(impossible);
                        }
                    });
                } catch (IllegalStateException e) {
                    log.add(e.getMessage().contains("cannot switch here") ? "refused" : e.getMessage());
                }
                ch.send(2);
            });
            Stackless.run();
        });
        System.out.println("refused at the call: " + log.equals(List.of("refused", "received 2")));
    }
}
