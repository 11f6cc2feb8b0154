package org.jstackless.durable.internal;

import org.jstackless.durable.Checkpoint;

/**
 * A closing durable channel is a row of its own in the store (a <em>mark</em>), so that a close is
 * committed like any checkpoint (atomic with the closing tasklet's checkpoint, fenced, durable,
 * seen by every node sharing the store). Its id is the channel's name behind a character no
 * tasklet id may start with; its state is FINISHED (so placement and channel queries, which look
 * at unfinished and blocked rows, never see it), its channel the channel's name, its pickle empty.
 * Opening the channel again deletes the mark.
 */
public final class ChannelMarks {
    /** The first character of a mark's id, refused at the start of a tasklet id. */
    public static final char PREFIX = '\u0001';
    /** The detail of a mark row. */
    public static final String DETAIL = "closing";

    private ChannelMarks() {
    }

    /** The id of channel {@code name}'s mark; refuses a name too long to carry the prefix. */
    public static String id(String name) {
        if (name.length() >= Checkpoint.MAX_ID) {
            throw new IllegalArgumentException("durable channel '" + name.substring(0, 40) + "...' has " + name.length()
                    + " characters: close() needs a name of at most " + (Checkpoint.MAX_ID - 1) + "; use a shorter name");
        }
        return PREFIX + name;
    }

    /** True for the id of a mark (never a tasklet's). */
    public static boolean isMark(String id) {
        return !id.isEmpty() && id.charAt(0) == PREFIX;
    }

    /** Refuses a tasklet id that would be taken for a mark. */
    public static void checkTaskletId(String id) {
        if (isMark(id)) {
            throw new IllegalArgumentException("a durable tasklet id may not start with U+0001 (reserved for closed "
                    + "channels' rows): rename '" + id.substring(1) + "'");
        }
    }
}
