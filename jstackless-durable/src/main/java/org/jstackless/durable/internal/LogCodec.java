package org.jstackless.durable.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.DurableState;

/**
 * The file store's byte format. A segment file is a header then records:
 *
 * <pre>
 *   header  := magic "JSLDURAB" | version:int32 | segment:int64
 *   record  := length:int32 | crc32c(body):int32 | body[length]
 *   body    := kind:u8 (1 commit, 2 snapshot) | txn:int64 | count:int32 | row*
 *   row     := id:str | seq:int64 | state:u8 | wakeAt:int64 | channel:str | detail:str | pickle:bytes
 *   str     := length:int32 | UTF-8;   bytes := length:int32 | bytes
 * </pre>
 *
 * Decoding checks every length against the bytes left before allocating, so a corrupt or hostile
 * file costs bounded time and memory and yields an {@link IOException}, never a wrong row.
 */
public final class LogCodec {
    /** The segment header's magic. */
    public static final byte[] MAGIC = "JSLDURAB".getBytes(StandardCharsets.US_ASCII);
    /** The format version. */
    public static final int VERSION = 1;
    /** Bytes in a segment header. */
    public static final int HEADER = 8 + 4 + 8;
    /** Bytes before a record's body. */
    public static final int RECORD_HEADER = 8;
    /** The largest record body accepted (a snapshot of every live row must fit). */
    public static final int MAX_RECORD = Integer.MAX_VALUE - 64;
    /** The largest direct buffer {@link #encode(int, long, List, ByteBuffer)} makes (16 MiB). */
    public static final int MAX_DIRECT = 16 << 20;
    /** A commit record. */
    public static final int COMMIT = 1;
    /** A snapshot record: the whole state, first in a segment. */
    public static final int SNAPSHOT = 2;
    private static final DurableState[] STATES = DurableState.values();
    /** The smallest encoded row: empty strings and pickle. */
    private static final int MIN_ROW = 4 + 8 + 1 + 8 + 4 + 4 + 4;
    private static final byte[] EMPTY = new byte[0];

    private LogCodec() {
    }

    /** A decoded record. */
    public record Record(int kind, long txn, List<Checkpoint> rows) {
    }

    /** The header of segment {@code n}. */
    public static ByteBuffer header(long n) {
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.put(MAGIC).putInt(VERSION).putLong(n).flip();
        return b;
    }

    /** Checks a header; returns its segment number. */
    public static long checkHeader(ByteBuffer b) throws IOException {
        if (b.remaining() < HEADER) {
            throw new IOException("segment header truncated (" + b.remaining() + " bytes)");
        }
        byte[] m = new byte[MAGIC.length];
        b.get(m);
        if (!java.util.Arrays.equals(m, MAGIC)) {
            throw new IOException("not a jstackless durable store segment (bad magic)");
        }
        int v = b.getInt();
        if (v != VERSION) {
            throw new IOException("segment format version " + v + ", this program reads " + VERSION);
        }
        return b.getLong();
    }

    /** Encodes a whole record (length, checksum, body) into a new heap buffer. */
    public static ByteBuffer encode(int kind, long txn, List<Checkpoint> rows) {
        return encode(kind, txn, rows, null);
    }

    /**
     * Encodes a whole record (length, checksum, body), ready to write: into {@code reuse} (cleared)
     * when it is large enough, else into a new buffer, direct when {@code reuse} was. A commit
     * encoded straight into a direct buffer the store keeps is written without the JDK's copy of a
     * heap buffer into a temporary direct one. Records over {@link #MAX_DIRECT} bytes go to the heap.
     */
    public static ByteBuffer encode(int kind, long txn, List<Checkpoint> rows, ByteBuffer reuse) {
        int n = rows.size();
        byte[][] strs = new byte[n * 3][];
        long size = 1 + 8 + 4;
        for (int i = 0; i < n; i++) {
            Checkpoint c = rows.get(i);
            byte[] id = utf8(c.id());
            byte[] ch = c.channel().isEmpty() ? EMPTY : utf8(c.channel());
            byte[] detail = c.detail().isEmpty() ? EMPTY : utf8(c.detail());
            strs[3 * i] = id;
            strs[3 * i + 1] = ch;
            strs[3 * i + 2] = detail;
            size += MIN_ROW + id.length + ch.length + detail.length + c.pickle().length;
        }
        if (size > MAX_RECORD) {
            throw new IllegalArgumentException("a commit of " + size + " bytes is larger than a record may be");
        }
        int total = RECORD_HEADER + (int) size;
        ByteBuffer b;
        if (reuse != null && reuse.capacity() >= total) {
            b = reuse.clear();
        } else if (reuse != null && reuse.isDirect() && total <= MAX_DIRECT) {
            b = ByteBuffer.allocateDirect(Math.max(total, Math.min(2 * reuse.capacity(), MAX_DIRECT)));
        } else {
            b = ByteBuffer.allocate(total);
        }
        b.position(RECORD_HEADER);
        b.put((byte) kind).putLong(txn).putInt(n);
        for (int i = 0; i < n; i++) {
            Checkpoint c = rows.get(i);
            putBytes(b, strs[3 * i]);
            b.putLong(c.seq()).put((byte) c.state().ordinal()).putLong(c.wakeAt());
            putBytes(b, strs[3 * i + 1]);
            putBytes(b, strs[3 * i + 2]);
            putBytes(b, c.pickle());
        }
        CRC32C crc = new CRC32C();
        crc.update(b.flip().position(RECORD_HEADER));
        b.putInt(0, (int) size).putInt(4, (int) crc.getValue());
        return b.position(0);
    }

    /** True if {@code body} (the bytes after a record header) matches {@code crc}. */
    public static boolean checksumOk(ByteBuffer body, int crc) {
        CRC32C c = new CRC32C();
        c.update(body.duplicate());
        return (int) c.getValue() == crc;
    }

    /** Decodes a record body whose checksum was verified. */
    public static Record decode(ByteBuffer b) throws IOException {
        try {
            int kind = b.get();
            if (kind != COMMIT && kind != SNAPSHOT) {
                throw new IOException("unknown record kind " + kind);
            }
            long txn = b.getLong();
            int n = b.getInt();
            if (n < 0 || (long) n * MIN_ROW > b.remaining()) {
                throw new IOException("record claims " + n + " rows in " + b.remaining() + " bytes");
            }
            List<Checkpoint> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String id = str(b);
                long seq = b.getLong();
                int st = b.get();
                if (st < 0 || st >= STATES.length) {
                    throw new IOException("row " + id + ": unknown state " + st);
                }
                long wakeAt = b.getLong();
                String ch = str(b);
                String detail = str(b);
                byte[] pickle = bytes(b);
                rows.add(new Checkpoint(id, seq, STATES[st], wakeAt, ch, detail, pickle, txn));
            }
            if (b.hasRemaining()) {
                throw new IOException(b.remaining() + " bytes after the last row");
            }
            return new Record(kind, txn, rows);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException("malformed record: " + e, e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putBytes(ByteBuffer b, byte[] v) {
        b.putInt(v.length).put(v);
    }

    private static byte[] bytes(ByteBuffer b) throws IOException {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IOException("a length of " + n + " with " + b.remaining() + " bytes left");
        }
        byte[] v = new byte[n];
        b.get(v);
        return v;
    }

    private static String str(ByteBuffer b) throws IOException {
        return new String(bytes(b), StandardCharsets.UTF_8);
    }
}
