package org.jstackless.durable;

import java.util.Objects;

/**
 * One durable tasklet's row in a {@link DurableStore}: its latest checkpoint.
 *
 * @param id      the tasklet's stable id (at most {@link #MAX_ID} characters)
 * @param seq     the checkpoint's sequence number: 1 for the first, one more for each next; a store
 *                accepts a write only if it is exactly one more than the stored one (fencing)
 * @param state   where the tasklet stands
 * @param wakeAt  for {@link DurableState#SLEEPING}: the wake-up time, epoch milliseconds; else 0
 * @param channel for {@link DurableState#SENDING} and {@link DurableState#RECEIVING}: the channel's name; else ""
 * @param detail  for {@link DurableState#FAILED}: the error's text; else ""
 * @param pickle  the tasklet's pickle ({@link org.jstackless.Pickler}); empty only in a purge and in a
 *                FAILED row whose tasklet could not be pickled
 * @param txn     the store's number of the commit that wrote this row (0 in a write; set by the store)
 */
public record Checkpoint(String id, long seq, DurableState state, long wakeAt, String channel, String detail,
        byte[] pickle, long txn) {
    /** The longest id, channel name or detail, in characters. */
    public static final int MAX_ID = 1000;

    /** Checks the fields. */
    public Checkpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(pickle, "pickle");
        if (id.isEmpty() || id.length() > MAX_ID) {
            throw new IllegalArgumentException("a durable id has 1 to " + MAX_ID + " characters: '" + id + "'");
        }
        if (channel.length() > MAX_ID) {
            throw new IllegalArgumentException("a channel name has at most " + MAX_ID + " characters");
        }
        if (detail.length() > MAX_ID) {
            detail = detail.substring(0, MAX_ID);
        }
        if (seq < 1) {
            throw new IllegalArgumentException("a checkpoint's sequence starts at 1: " + seq);
        }
    }

    /** This row as committed in transaction {@code txn}. */
    public Checkpoint withTxn(long txn) {
        return new Checkpoint(id, seq, state, wakeAt, channel, detail, pickle, txn);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + id + " #" + seq + " " + state + (channel.isEmpty() ? "" : " on " + channel)
                + (wakeAt == 0 ? "" : " until " + wakeAt) + ", " + pickle.length + " bytes, txn " + txn + "]";
    }
}
