package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jstackless.Channel;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.Test;

/**
 * Mutated pickles: bit flips, truncations, huge length fields, and content changed then signed
 * again with the right key. Every load must end in NotPicklableException (or, for re-signed
 * content that still makes sense, succeed): never another exception type, an error or a hang.
 */
class PickleFuzzTest {
    enum E { A, B }

    record R(int i, String s, E e, List<Object> l) {
    }

    static void work(Channel<Object> ch, R r, Map<String, Object> m, long[] a, double d) throws Suspendable {
        Object got = ch.receive();
        m.put("got", got);
        m.put("balance", ch.balance()); // keeps ch live: the channel is pickled, the copy comes back blocked
        a[0] += (long) d + r.i();
    }

    static void outer(Channel<Object> ch, int depth) throws Suspendable {
        if (depth > 0) {
            outer(ch, depth - 1);
            return;
        }
        Map<String, Object> m = new HashMap<>(Map.of("k", 1, "s", "str"));
        List<Object> l = new ArrayList<>(List.of(1L, 2.0f, 'c', (short) 3, (byte) 4, true));
        l.add(l);
        work(ch, new R(5, "r", E.B, l), m, new long[] {1, 2, 3}, 2.5);
    }

    static byte[] reseal(byte[] p) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PickleTestSupport.KEY, "HmacSHA256"));
        mac.update(p, 0, p.length - 32);
        byte[] r = p.clone();
        System.arraycopy(mac.doFinal(), 0, r, p.length - 32, 32);
        return r;
    }

    @Test
    void twelveThousandMutatedPicklesEndInTheDocumentedException() throws Exception {
        Pickler pickler = PickleTestSupport.builder(PickleFuzzTest.class, R.class, E.class).build();
        long seed = System.nanoTime();
        int[] counts = new int[6];
        List<String> failures = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> outer(ch, 3));
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            byte[] good = pickler.dumps(t);
            assertThat(pickler.loads(good).isBlocked()).isTrue();
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 0; i < 12_000; i++) {
                int kind = i % 6;
                byte[] b;
                switch (kind) {
                    case 0 -> { // bit flips
                        b = good.clone();
                        for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                            int pos = rnd.nextInt(b.length);
                            b[pos] ^= (byte) (1 << rnd.nextInt(8));
                        }
                    }
                    case 1 -> b = Arrays.copyOf(good, rnd.nextInt(good.length)); // truncation
                    case 2 -> { // huge or negative payload length in the header
                        b = good.clone();
                        int v = rnd.nextBoolean() ? Integer.MAX_VALUE - rnd.nextInt(100) : -1 - rnd.nextInt(1000);
                        for (int k = 0; k < 4; k++) {
                            b[30 + k] = (byte) (v >>> (24 - 8 * k));
                        }
                    }
                    case 3 -> { // right key, random content changes
                        b = good.clone();
                        for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                            b[34 + rnd.nextInt(b.length - 66)] = (byte) rnd.nextInt(256);
                        }
                        b = reseal(b);
                    }
                    case 4 -> { // right key, a huge varint (length, count or id) planted in the payload
                        b = good.clone();
                        int pos = 34 + rnd.nextInt(b.length - 66 - 5);
                        byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) (rnd.nextInt(16))};
                        System.arraycopy(huge, 0, b, pos, 1 + rnd.nextInt(5));
                        b = reseal(b);
                    }
                    default -> { // right key, payload cut or extended, header fixed up
                        int len = 34 + rnd.nextInt(good.length - 66 + 8);
                        b = new byte[len + 32];
                        System.arraycopy(good, 0, b, 0, Math.min(len, good.length - 32));
                        int pl = len - 34;
                        for (int k = 0; k < 4; k++) {
                            b[30 + k] = (byte) (pl >>> (24 - 8 * k));
                        }
                        b = reseal(b);
                    }
                }
                try {
                    Tasklet u = pickler.loads(b);
                    if (kind < 3 && !Arrays.equals(b, good)) {
                        failures.add("kind " + kind + " #" + i + ": an unsigned change was accepted");
                    }
                    if (u.isBlocked()) {
                        u.blockedOn().close();
                    }
                    if (kind >= 3 || !Arrays.equals(b, good)) {
                        counts[kind]++; // a mutation that happened to change nothing (a bit flipped twice) is no acceptance
                    }
                } catch (NotPicklableException e) {
                    // documented
                } catch (Throwable e) {
                    failures.add("kind " + kind + " #" + i + ": " + e);
                }
            }
            t.kill();
        });
        System.out.println("fuzz seed " + seed + ": accepted per kind " + Arrays.toString(counts) + " of 2000 each");
        assertThat(failures).as("seed " + seed).isEmpty();
        assertThat(counts[0] + counts[1] + counts[2]).isZero();
    }
}
