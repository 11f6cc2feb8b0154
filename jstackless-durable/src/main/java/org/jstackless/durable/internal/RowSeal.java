package org.jstackless.durable.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jstackless.NotPicklableException;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.DurableState;

/**
 * Signs a store row as a whole: the pickle is signed by the {@link org.jstackless.Pickler} already,
 * but a row's id, sequence number, state, wake-up time, channel and detail are not in it. The row's
 * pickle field holds the pickle followed by an HMAC-SHA256 over all of them, so a row changed in the
 * store (another state, another id's pickle) is refused on load. An older genuine row put back
 * stays undetected: that needs a record outside the store. Engine thread only (the Mac is reused).
 */
final class RowSeal {
    static final int MAC = 32;
    private final Mac mac;

    RowSeal(byte[] key) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e, e);
        }
    }

    /** The sealed row. */
    Checkpoint row(String id, long seq, DurableState st, long wakeAt, String channel, String detail, byte[] pickle) {
        Checkpoint plain = new Checkpoint(id, seq, st, wakeAt, channel, detail, pickle, 0);
        byte[] m = mac(plain, pickle.length);
        byte[] sealed = Arrays.copyOf(pickle, pickle.length + MAC);
        System.arraycopy(m, 0, sealed, pickle.length, MAC);
        return new Checkpoint(id, seq, st, wakeAt, plain.channel(), plain.detail(), sealed, 0);
    }

    /** The pickle of a sealed row; a {@link NotPicklableException} if the row was changed or sealed with another key. */
    byte[] open(Checkpoint c) {
        byte[] p = c.pickle();
        int n = p.length - MAC;
        if (n < 0 || !MessageDigest.isEqual(mac(c, n), Arrays.copyOfRange(p, n, p.length))) {
            throw new NotPicklableException("the store row of durable tasklet '" + c.id() + "' (checkpoint #" + c.seq()
                    + ") was changed outside this runtime or sealed with another key: refused");
        }
        return Arrays.copyOf(p, n);
    }

    private byte[] mac(Checkpoint c, int pickleLength) {
        byte[] id = c.id().getBytes(StandardCharsets.UTF_8);
        byte[] ch = c.channel().getBytes(StandardCharsets.UTF_8);
        byte[] detail = c.detail().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + id.length + 8 + 4 + 8 + 4 + ch.length + 4 + detail.length + 4);
        b.putInt(id.length).put(id).putLong(c.seq()).putInt(c.state().ordinal()).putLong(c.wakeAt())
                .putInt(ch.length).put(ch).putInt(detail.length).put(detail).putInt(pickleLength);
        mac.update(b.array());
        mac.update(c.pickle(), 0, pickleLength);
        return mac.doFinal();
    }
}
