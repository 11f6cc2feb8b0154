package org.jstackless.durable.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.jstackless.NotPicklableException;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.DurableState;

/**
 * Signs a store row as a whole: the pickle is signed by the {@link org.jstackless.Pickler} already
 * (it ends with an HMAC-SHA256, under the runtime's key, of all its other bytes), but a row's id,
 * sequence number, state, wake-up time, channel and detail are not in it. The row's pickle field
 * holds the pickle followed by the <em>seal</em>: an HMAC-SHA256, under a key derived from the
 * runtime's, over those fields, the pickle's length and the pickle's own MAC.
 *
 * <p>Why the pickle's MAC and not the whole pickle: sealing runs for every checkpoint on the
 * commit's critical path, and the pickle's MAC already stands for every byte of it. A row whose
 * fields were changed, or that was given another row's pickle (another MAC), fails the seal; a
 * pickle changed inside fails its own MAC, which {@link #open} checks too (loading is rare, so
 * it can afford the full check), as {@code Pickler.loads} does again. Either way the row is
 * refused on load. An older genuine row put back stays undetected: that needs a record outside
 * the store.
 *
 * <p>Thread-safe: each thread uses its own {@link Mac}s.
 */
final class RowSeal {
    static final int MAC = 32;
    private static final byte[] DERIVE = "jstackless durable row seal 2".getBytes(StandardCharsets.US_ASCII);
    /** The runtime's key: checks the pickles' own MACs. */
    private final SecretKeySpec pickleKey;
    /** Derived from the runtime's key, so a seal is never a valid pickle MAC or the other way round. */
    private final SecretKeySpec rowKey;
    private final ThreadLocal<Mac> rowMac;
    private final ThreadLocal<Mac> pickleMac;

    RowSeal(byte[] key) {
        pickleKey = new SecretKeySpec(key, "HmacSHA256");
        Mac m = newMac(pickleKey);
        rowKey = new SecretKeySpec(m.doFinal(DERIVE), "HmacSHA256");
        rowMac = ThreadLocal.withInitial(() -> newMac(rowKey));
        pickleMac = ThreadLocal.withInitial(() -> newMac(pickleKey));
    }

    private static Mac newMac(SecretKeySpec k) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(k);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e, e);
        }
    }

    /** The sealed row; {@code pickle} is a Pickler pickle, or empty (a purge, an unpicklable failure). */
    Checkpoint row(String id, long seq, DurableState st, long wakeAt, String channel, String detail, byte[] pickle) {
        if (pickle.length > 0 && pickle.length < MAC) {
            throw new IllegalArgumentException("a checkpoint's pickle is empty or a Pickler pickle, not " + pickle.length
                    + " bytes");
        }
        byte[] sealed = Arrays.copyOf(pickle, pickle.length + MAC);
        Checkpoint plain = new Checkpoint(id, seq, st, wakeAt, channel, detail, sealed, 0); // normalizes detail
        Mac m = seal(plain, pickle, pickle.length);
        try {
            m.doFinal(sealed, pickle.length);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        return plain;
    }

    /** The pickle of a sealed row; a {@link NotPicklableException} if the row was changed or sealed with another key. */
    byte[] open(Checkpoint c) {
        byte[] p = c.pickle();
        int n = p.length - MAC;
        boolean ok = n == 0 || n >= MAC;
        if (ok) {
            ok = MessageDigest.isEqual(seal(c, p, n).doFinal(), Arrays.copyOfRange(p, n, p.length));
        }
        if (ok && n > 0) { // the pickle's own MAC, over all its other bytes
            Mac pm = pickleMac.get();
            pm.update(p, 0, n - MAC);
            ok = MessageDigest.isEqual(pm.doFinal(), Arrays.copyOfRange(p, n - MAC, n));
        }
        if (!ok) {
            throw new NotPicklableException("the store row of durable tasklet '" + c.id() + "' (checkpoint #" + c.seq()
                    + ") was changed outside this runtime or sealed with another key: refused");
        }
        return Arrays.copyOf(p, n);
    }

    /** This thread's row Mac, fed with {@code c}'s fields and the MAC that ends {@code pickle[0..n)}; ready for doFinal. */
    private Mac seal(Checkpoint c, byte[] pickle, int n) {
        byte[] id = c.id().getBytes(StandardCharsets.UTF_8);
        byte[] ch = c.channel().getBytes(StandardCharsets.UTF_8);
        byte[] detail = c.detail().getBytes(StandardCharsets.UTF_8);
        int tail = n == 0 ? 0 : MAC;
        byte[] b = new byte[4 + id.length + 8 + 4 + 8 + 4 + ch.length + 4 + detail.length + 4 + tail];
        int at = putInt(b, 0, id.length);
        System.arraycopy(id, 0, b, at, id.length);
        at = putLong(b, at + id.length, c.seq());
        at = putInt(b, at, c.state().ordinal());
        at = putLong(b, at, c.wakeAt());
        at = putInt(b, at, ch.length);
        System.arraycopy(ch, 0, b, at, ch.length);
        at = putInt(b, at + ch.length, detail.length);
        System.arraycopy(detail, 0, b, at, detail.length);
        at = putInt(b, at + detail.length, n);
        System.arraycopy(pickle, n - tail, b, at, tail);
        Mac m = rowMac.get();
        m.update(b);
        return m;
    }

    private static int putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
        return at + 4;
    }

    private static int putLong(byte[] b, int at, long v) {
        return putInt(b, putInt(b, at, (int) (v >>> 32)), (int) v);
    }
}
