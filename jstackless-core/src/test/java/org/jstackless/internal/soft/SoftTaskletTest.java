package org.jstackless.internal.soft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.jstackless.testing.WeavingLoader;

/** Woven user code as soft tasklets on the real scheduler (Stackless, Tasklet, Channel). */
class SoftTaskletTest {
    static final String SRC = """
            package t;
            import org.jstackless.*;
            public class R implements java.util.concurrent.Callable<String> {
                static int sum(Channel<Integer> ch, int n) throws Suspendable {
                    int s = 0;
                    for (int i = 0; i < n; i++) {
                        try { s += ch.receive(); } catch (IllegalStateException e) { s += 1000; }
                    }
                    return s;
                }
                public String call() throws Exception {
                    StringBuilder log = new StringBuilder();
                    Stackless.runAsMain(() -> {
                        Channel<Integer> ch = new Channel<>();
                        Tasklet a = Tasklet.spawn(() -> {
                            for (int i = 0; i < 5; i++) { ch.send(i); Stackless.schedule(); }
                            ch.sendException(new IllegalStateException("x"));
                        });
                        Tasklet b = Tasklet.spawn(() -> log.append("sum=").append(sum(ch, 6)));
                        log.append(a.isSoft()).append(b.isSoft()).append(' ');
                        Stackless.run();
                    });
                    return log.toString();
                }
            }
            """;

    static final String BENCH = """
            package t;
            import org.jstackless.*;
            public class S implements java.util.concurrent.Callable<String> {
                static final int N = Integer.getInteger("jsl.bench.n", 2_000_000);
                public String call() throws Exception {
                    long[] t = new long[2];
                    boolean[] soft = new boolean[1];
                    Stackless.runAsMain(() -> {
                        Tasklet a = Tasklet.spawn(() -> { for (int i = 0; i < N; i++) Stackless.schedule(); });
                        Tasklet.spawn(() -> { for (int i = 0; i < N; i++) Stackless.schedule(); });
                        soft[0] = a.isSoft();
                        t[0] = System.nanoTime();
                        Stackless.run();
                        t[1] = System.nanoTime();
                    });
                    return soft[0] + " " + (double) (t[1] - t[0]) / (2.0 * N);
                }
            }
            """;

    @SuppressWarnings("unchecked")
    static String run(Map<String, byte[]> classes, String name) throws Exception {
        return ((Callable<String>) WeavingLoader.load(classes).loadClass(name).getConstructor().newInstance()).call();
    }

    @Test
    void softTaskletsOnTheRealScheduler() throws Exception {
        Map<String, byte[]> plain = WeavingLoader.compile(Map.of("t.R", SRC));
        String expected = "sum=1010";
        assertThat(run(WeavingLoader.weave(plain), "t.R")).isEqualTo("truetrue " + expected);
        // The same program unwoven runs hard, with the same result.
        assertThat(run(plain, "t.R")).isEqualTo("falsefalse " + expected);
    }

    @Test
    void softScheduleCost() throws Exception {
        Map<String, byte[]> woven = WeavingLoader.weave(WeavingLoader.compile(Map.of("t.S", BENCH)));
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            String[] r = run(woven, "t.S").split(" ");
            assertThat(r[0]).isEqualTo("true");
            best = Math.min(best, Double.parseDouble(r[1]));
        }
        Map<String, byte[]> plain = WeavingLoader.compile(Map.of("t.S", BENCH));
        double hard = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            hard = Math.min(hard, Double.parseDouble(run(plain, "t.S").split(" ")[1]));
        }
        System.out.printf("Stackless.schedule() between two tasklets: soft %.1f ns/switch, hard %.1f ns/switch%n", best, hard);
        assertThat(best).isLessThan(hard);
    }
}
