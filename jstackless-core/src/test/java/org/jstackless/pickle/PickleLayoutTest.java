package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.soft.MethodInfo;
import org.jstackless.internal.soft.WovenMethod;
import org.jstackless.internal.pickle.Envelope;
import org.junit.jupiter.api.Test;

/**
 * Per-call-site slot layouts: the weaver records the kind (and for references the type) of every
 * value a frame saves, and loading checks a pickle's frames against them before anything is
 * created — so a pickle forged with the right key but the wrong slot contents is refused at
 * {@code loads}, naming the frame and the slot, instead of failing when it runs.
 */
class PickleLayoutTest {
    static final List<String> OUT = new ArrayList<>();
    static final int MAGIC_INT = 0x5A5A5;

    static void job(Channel<Object> ch, String s, int i, long j) throws Suspendable {
        Object got = ch.receive();
        OUT.add(s.length() + ":" + (i + j) + ":" + got);
    }

    static Pickler pickler() {
        return PickleTestSupport.builder(PickleLayoutTest.class).build();
    }

    static byte[] svar(long v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        long u = (v << 1) ^ (v >> 63);
        while ((u & ~0x7FL) != 0) {
            o.write((int) ((u & 0x7F) | 0x80));
            u >>>= 7;
        }
        o.write((int) u);
        return o.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** Replaces the only occurrence of {@code find} in the payload, fixes the length field and signs again. */
    static byte[] forge(byte[] good, byte[] find, byte[] replace) throws Exception {
        int at = -1;
        for (int i = Envelope.HEADER; i + find.length <= good.length - 32; i++) {
            if (java.util.Arrays.equals(good, i, i + find.length, find, 0, find.length)) {
                assertThat(at).as("one occurrence").isEqualTo(-1);
                at = i;
            }
        }
        assertThat(at).as("found").isPositive();
        byte[] b = concat(java.util.Arrays.copyOf(good, at), replace,
                java.util.Arrays.copyOfRange(good, at + find.length, good.length));
        int pl = b.length - Envelope.HEADER - 32;
        for (int k = 0; k < 4; k++) {
            b[Envelope.LENGTH_AT + k] = (byte) (pl >>> (24 - 8 * k));
        }
        return PickleFuzzTest.reseal(b);
    }

    static byte[] dump() throws Exception {
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> job(ch, "MARKER", MAGIC_INT, 7L));
            Stackless.schedule();
            b[0] = pickler().dumps(t);
            t.kill();
        });
        return b[0];
    }

    @Test
    void theWeaverRecordsEachSitesLayoutAndMethodInfoParsesIt() throws Exception {
        WovenMethod w = PickleLayoutTest.class.getDeclaredMethod("job", Channel.class, String.class, int.class, long.class)
                .getAnnotation(WovenMethod.class);
        assertThat(w).isNotNull();
        MethodInfo.SiteLayout[] sites = MethodInfo.parseLayouts(w.layouts());
        // Site 0 is the entry tick point, then the receive() call: ch is dead after it; s, i, j live.
        MethodInfo.SiteLayout call = java.util.Arrays.stream(sites).filter(MethodInfo.SiteLayout::isCall).findFirst()
                .orElseThrow();
        assertThat(call.slots()).containsExactly("Ljava/lang/String;", "I", "J");
        assertThat(call.result()).isEqualTo("Ljava/lang/Object;");
        assertThat(sites[0].isCall()).isFalse();
    }

    @Test
    void anUntouchedPickleLoadsAndRuns() throws Exception {
        byte[] good = dump();
        OUT.clear();
        Stackless.runAsMain(() -> {
            Tasklet u = pickler().loads(good); // ch is dead after receive(): not pickled, u comes back paused
            u.setTempval("go");
            u.run();
        });
        assertThat(OUT).containsExactly("6:" + (MAGIC_INT + 7) + ":go");
    }

    @Test
    void anIntSlotOutOfRangeIsRefusedAtLoadNamingFrameAndSlot() throws Exception {
        byte[] bad = forge(dump(), svar(MAGIC_INT), svar(1L << 40));
        Stackless.runAsMain(() -> assertThatThrownBy(() -> pickler().loads(bad))
                .isInstanceOf(NotPicklableException.class)
                .hasMessageContaining("PickleLayoutTest.job(PickleLayoutTest.java:")
                .hasMessageContaining("slot #1 (int)")
                .hasMessageContaining("out of the 32-bit range"));
    }

    @Test
    void aReferenceSlotOfTheWrongClassIsRefusedAtLoad() throws Exception {
        byte[] marker = "MARKER".getBytes(StandardCharsets.UTF_8);
        // The String object (kind 1, length, bytes) becomes an Integer (kind 6, zigzag value).
        byte[] bad = forge(dump(), concat(new byte[] {1, (byte) marker.length}, marker), concat(new byte[] {6}, svar(42)));
        Stackless.runAsMain(() -> assertThatThrownBy(() -> pickler().loads(bad))
                .isInstanceOf(NotPicklableException.class)
                .hasMessageContaining("PickleLayoutTest.job(PickleLayoutTest.java:")
                .hasMessageContaining("slot #0 holds a java.lang.Integer, but the woven code expects a java.lang.String"));
    }
}
