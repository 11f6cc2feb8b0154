package org.jstackless.internal.pickle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with the pickle's primitive encodings (unsigned varints, zigzag, UTF-8). */
public final class Out {
    private byte[] buf = new byte[256];
    private int n;

    private void ensure(int k) {
        if (n + k > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + k));
        }
    }

    public void u8(int b) {
        ensure(1);
        buf[n++] = (byte) b;
    }

    public void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
    }

    public void fixed64(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[n++] = (byte) (v >>> (i * 8));
        }
    }

    public void fixed16(int v) {
        ensure(2);
        buf[n++] = (byte) (v >>> 8);
        buf[n++] = (byte) v;
    }

    public void fixed32(int v) {
        ensure(4);
        for (int i = 3; i >= 0; i--) {
            buf[n++] = (byte) (v >>> (i * 8));
        }
    }

    /** Unsigned LEB128. */
    public void uvar(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[n++] = (byte) v;
    }

    /** Signed, zigzag then LEB128. */
    public void svar(long v) {
        uvar((v << 1) ^ (v >> 63));
    }

    public void str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        uvar(b.length);
        bytes(b);
    }

    public int size() {
        return n;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, n);
    }
}
