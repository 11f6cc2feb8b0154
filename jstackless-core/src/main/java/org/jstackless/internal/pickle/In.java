package org.jstackless.internal.pickle;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link Out} wrote, bounds-checked: every length is checked against the bytes left
 * before anything is allocated, so a corrupt length can neither overflow nor exhaust memory.
 */
public final class In {
    private final byte[] buf;
    private int pos;
    private final int end;

    public In(byte[] buf, int from, int to) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    public static RuntimeException bad(String what) {
        return PickleErrors.notPicklable("malformed pickle: " + what);
    }

    public int remaining() {
        return end - pos;
    }

    public int position() {
        return pos;
    }

    public boolean atEnd() {
        return pos == end;
    }

    public int u8() {
        if (pos >= end) {
            throw bad("truncated");
        }
        return buf[pos++] & 0xFF;
    }

    public long fixed64() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | u8();
        }
        return v;
    }

    public int fixed16() {
        return (u8() << 8) | u8();
    }

    public int fixed32() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | u8();
        }
        return v;
    }

    public long uvar() {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw bad("varint too long");
    }

    public long svar() {
        long u = uvar();
        return (u >>> 1) ^ -(u & 1);
    }

    /** A count or length in [0, max], each item taking at least {@code minBytesEach} bytes. */
    public int count(String what, int max, int minBytesEach) {
        long v = uvar();
        if (v < 0 || v > max) {
            throw bad(what + " " + Long.toUnsignedString(v) + " exceeds the limit " + max);
        }
        if (minBytesEach > 0 && v > (long) remaining() / minBytesEach) {
            throw bad(what + " " + v + " exceeds the bytes left (" + remaining() + "): truncated");
        }
        return (int) v;
    }

    /** An index in [0, size). */
    public int index(String what, int size) {
        long v = uvar();
        if (v < 0 || v >= size) {
            throw bad(what + " " + Long.toUnsignedString(v) + " out of range [0, " + size + ")");
        }
        return (int) v;
    }

    public byte[] bytes(int len) {
        if (len > remaining()) {
            throw bad("truncated");
        }
        byte[] b = new byte[len];
        System.arraycopy(buf, pos, b, 0, len);
        pos += len;
        return b;
    }

    public String str() {
        int len = count("string length", Integer.MAX_VALUE - 16, 1);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, pos, len)).toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw bad("invalid UTF-8 in a string");
        }
    }
}
