package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import org.jstackless.Channel;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.Test;

/** Size and round-trip time of the recurs(14) pickle (a timing loop, not JMH; the target is 2 KB and 50 µs). */
class PickleCostTest {
    static int sink;

    static void recurs(Channel<String> ch, int depth, int level) throws Suspendable {
        sink += level;
        if (level >= depth) {
            ch.send("hi");
        }
        if (level < depth) {
            recurs(ch, depth, level + 1);
        }
        sink -= level;
    }

    @Test
    void recurs14() throws Exception {
        Pickler p = PickleTestSupport.builder(PickleCostTest.class).acceptReplays().build(); // one pickle loaded n times
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> recurs(ch, 14, 1));
            ch.receive();
            byte[] b = p.dumps(t);
            assertThat(b.length).isLessThanOrEqualTo(2048);
            long best = Long.MAX_VALUE;
            long bestDump = Long.MAX_VALUE;
            int n = 20_000;
            for (int round = 0; round < 8; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    b = p.dumps(t);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sink += p.loads(b).recursionDepth();
                }
                long t2 = System.nanoTime();
                bestDump = Math.min(bestDump, (t1 - t0) / n);
                best = Math.min(best, (t2 - t0) / n);
            }
            System.out.printf("pickle of recurs(14): %d bytes, dumps %.1f us, dumps+loads %.1f us (best of 8 x %d)%n",
                    b.length, bestDump / 1000.0, best / 1000.0, n);
            assertThat(best).isLessThan(1_000_000L);
            t.kill();
        });
    }
}
