package org.jstackless.cluster.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.DurableState;

/**
 * A store row ({@link Checkpoint}, its pickle sealed) as bytes of a cluster message, for
 * {@link Msg.Woken}. Bytes from the network are checked here for shape and bounds; their
 * authenticity is the row's seal, checked by the runtime that loads it.
 */
public final class Rows {
    /** Largest pickle sent in a message; a bigger row is read from the store by its owner instead. */
    public static final int MAX_PICKLE = 128 * 1024;
    private static final int MAX_TEXT = 16 * 1024;
    private static final DurableState[] STATES = DurableState.values();

    private Rows() {
    }

    /** The bytes of {@code c}. */
    public static byte[] encode(Checkpoint c) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(c.pickle().length + 128);
            DataOutputStream d = new DataOutputStream(b);
            d.writeUTF(c.id());
            d.writeLong(c.seq());
            d.writeByte(c.state().ordinal());
            d.writeLong(c.wakeAt());
            d.writeUTF(c.channel());
            d.writeUTF(c.detail().length() > MAX_TEXT ? c.detail().substring(0, MAX_TEXT) : c.detail());
            d.writeLong(c.txn());
            d.writeInt(c.pickle().length);
            d.write(c.pickle());
            d.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: does not happen
        }
    }

    /** The row of {@code bytes}; an IllegalArgumentException naming the problem if they are not one. */
    public static Checkpoint decode(byte[] bytes) {
        try {
            DataInputStream d = new DataInputStream(new ByteArrayInputStream(bytes));
            String id = d.readUTF();
            long seq = d.readLong();
            int st = d.readUnsignedByte();
            if (st >= STATES.length) {
                throw new IllegalArgumentException("a row message with an unknown state " + st);
            }
            long wake = d.readLong();
            String channel = d.readUTF();
            String detail = d.readUTF();
            long txn = d.readLong();
            int n = d.readInt();
            if (n < 0 || n > MAX_PICKLE + 64 || n != d.available()) {
                throw new IllegalArgumentException("a row message whose pickle length " + n + " does not match its "
                        + d.available() + " remaining bytes");
            }
            byte[] p = d.readNBytes(n);
            return new Checkpoint(id, seq, STATES[st], wake, channel, detail, p, txn);
        } catch (IOException e) {
            throw new IllegalArgumentException("a truncated row message: " + e.getMessage(), e);
        }
    }
}
