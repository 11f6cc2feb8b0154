package org.jstackless.internal.pickle;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pickle's envelope: a fixed header, the payload, and an HMAC-SHA256 over both.
 *
 * <pre>
 *   0  magic "JSLP"
 *   4  u16 format version
 *   6  u64 program fingerprint
 *  14  16 bytes tasklet identity: random when a tasklet is first pickled, kept by the tasklets
 *      loaded from its pickles (so it is stable across JVMs and restarts)
 *  30  u64 sequence number, per tasklet identity: 1 for its first pickle, one more for each next
 *  38  u32 payload length
 *  42  payload
 *  42+len  32 bytes HMAC-SHA256(key, bytes 0 .. 42+len)
 * </pre>
 * {@link #open} checks all of it before the payload is looked at.
 */
public final class Envelope {
    public static final byte[] MAGIC = {'J', 'S', 'L', 'P'};
    /**
     * 2: methods carry their sites' slot layouts; fingerprints are the weaver's (original code + layouts).
     * 3: a stable tasklet identity and per-tasklet sequence in the header; plain objects; fixed-width
     * primitive arrays; named roots; class and file names written once in the method table.
     */
    public static final int FORMAT_VERSION = 3;
    public static final int HEADER = 42;
    /** Offset of the payload length in the header. */
    public static final int LENGTH_AT = 38;
    public static final int MAC = 32;

    public final int formatVersion;
    public final long programFingerprint;
    /** The tasklet's stable identity (two halves of 128 random bits). */
    public final long identityHi;
    public final long identityLo;
    public final long sequence;
    public final int payloadLength;

    private Envelope(int formatVersion, long programFingerprint, long identityHi, long identityLo, long sequence,
            int payloadLength) {
        this.formatVersion = formatVersion;
        this.programFingerprint = programFingerprint;
        this.identityHi = identityHi;
        this.identityLo = identityLo;
        this.sequence = sequence;
        this.payloadLength = payloadLength;
    }

    /** The fingerprint of the program: format, soft frame contract, Java feature release and the user's program id. */
    public static long programFingerprint(String programId) {
        return Fingerprints.hash("jstackless-pickle/" + FORMAT_VERSION + ";woven=1;java=" + Runtime.version().feature()
                + ";program=" + programId);
    }

    /** Seals a payload. */
    public static byte[] seal(byte[] key, long program, long identityHi, long identityLo, long sequence, byte[] payload) {
        // Header, payload and MAC written straight into the result: one copy of the payload, no more.
        byte[] r = new byte[HEADER + payload.length + MAC];
        Out o = new Out();
        o.bytes(MAGIC);
        o.u8(FORMAT_VERSION >>> 8);
        o.u8(FORMAT_VERSION);
        o.fixed64(program);
        o.fixed64(identityHi);
        o.fixed64(identityLo);
        o.fixed64(sequence);
        o.fixed32(payload.length);
        byte[] header = o.toByteArray();
        System.arraycopy(header, 0, r, 0, HEADER);
        System.arraycopy(payload, 0, r, HEADER, payload.length);
        Mac m = macOf(key);
        m.update(r, 0, HEADER + payload.length);
        try {
            m.doFinal(r, HEADER + payload.length);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        return r;
    }

    static byte[] mac(byte[] key, byte[] data, int len) {
        Mac m = macOf(key);
        m.update(data, 0, len);
        return m.doFinal();
    }

    /**
     * This thread's HMAC-SHA256 keyed with {@code key} (reset, ready for update), cached per thread
     * for the last key: {@code Mac.getInstance} and {@code init} cost more than the MAC of a small
     * pickle. The key is compared by content (a caller may reuse an array for another key).
     */
    private static Mac macOf(byte[] key) {
        CachedMac c = MACS.get();
        if (!java.util.Arrays.equals(c.key, key)) {
            c.key = null; // until init succeeds
            try {
                c.mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            c.key = key.clone();
        }
        return c.mac;
    }

    private static final class CachedMac {
        final Mac mac;
        byte[] key;

        CachedMac() {
            try {
                mac = Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final ThreadLocal<CachedMac> MACS = ThreadLocal.withInitial(CachedMac::new);

    /** Reads the header without checking the signature (for the inspector). */
    public static Envelope header(byte[] p) {
        if (p.length < HEADER + MAC) {
            throw PickleErrors.notPicklable("truncated pickle: " + p.length + " bytes, less than the "
                    + (HEADER + MAC) + " of an empty envelope");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (p[i] != MAGIC[i]) {
                throw PickleErrors.notPicklable("not a jstackless pickle (bad magic)");
            }
        }
        In in = new In(p, 4, HEADER);
        int v = (in.u8() << 8) | in.u8();
        Envelope e = new Envelope(v, in.fixed64(), in.fixed64(), in.fixed64(), in.fixed64(), in.fixed32());
        if (v != FORMAT_VERSION) {
            throw PickleErrors.versionMismatch("pickle format version " + v + ", but this jstackless reads version "
                    + FORMAT_VERSION);
        }
        if (e.payloadLength < 0 || (long) HEADER + e.payloadLength + MAC != p.length) {
            throw PickleErrors.notPicklable("truncated or extended pickle: the header announces "
                    + Integer.toUnsignedString(e.payloadLength) + " payload bytes, the pickle has "
                    + (p.length - HEADER - MAC));
        }
        return e;
    }

    /** Checks magic, version, length and signature, then the program fingerprint. */
    public static Envelope open(byte[] p, byte[] key, long program) {
        Envelope e = header(p);
        byte[] mac = mac(key, p, p.length - MAC);
        byte[] got = java.util.Arrays.copyOfRange(p, p.length - MAC, p.length);
        if (!MessageDigest.isEqual(mac, got)) {
            throw PickleErrors.notPicklable("pickle signature mismatch: the pickle was tampered with, or signed "
                    + "with another key");
        }
        if (e.programFingerprint != program) {
            throw PickleErrors.versionMismatch(String.format("pickle made by another program: fingerprint %016x, "
                    + "this program's is %016x (format, Java release or Pickler programId differ)",
                    e.programFingerprint, program));
        }
        return e;
    }

    /** The tasklet identity as text (32 hex digits), the key of a {@code SequenceRecord}. */
    public String identity() {
        return identity(identityHi, identityLo);
    }

    /** Two halves of a tasklet identity as text. */
    public static String identity(long hi, long lo) {
        char[] c = new char[32];
        for (int i = 0; i < 16; i++) {
            c[15 - i] = Character.forDigit((int) (hi >>> (4 * i)) & 15, 16);
            c[31 - i] = Character.forDigit((int) (lo >>> (4 * i)) & 15, 16);
        }
        return new String(c);
    }

    /** The payload's reader. */
    public static In payload(byte[] p) {
        return new In(p, HEADER, p.length - MAC);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
