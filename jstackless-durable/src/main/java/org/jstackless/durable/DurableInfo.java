package org.jstackless.durable;

import java.time.Instant;

/**
 * A durable tasklet as the runtime sees it now.
 *
 * @param id      its stable id
 * @param state   its state: of its last checkpoint, or {@link DurableState#RUNNABLE} once woken or matched
 * @param seq     its last committed checkpoint's sequence number
 * @param channel the durable channel it is blocked on, or ""
 * @param wakeAt  when it wakes up, for {@link DurableState#SLEEPING}; else null
 * @param detail  a failure's text, or why this program cannot resume it (e.g. its code changed); else ""
 */
public record DurableInfo(String id, DurableState state, long seq, String channel, Instant wakeAt, String detail) {
}
