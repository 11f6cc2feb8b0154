package org.jstackless.observe;

import java.util.List;

/**
 * One tasklet in a {@link TaskletDump}.
 *
 * @param id the tasklet's id (unique in the JVM, as in {@code Tasklet.toString()})
 * @param state what it does now
 * @param main whether it is its thread's main tasklet (the thread's own stack)
 * @param soft whether it switches soft (woven frames in the heap) rather than hard
 * @param atomic whether preemption is held off for it
 * @param detail the state's particulars: the channel and its balance, the sleep's remaining time,
 *     whether a blocking call runs or queues; empty when there are none
 * @param channel the channel it is blocked on ({@code Channel@hash}, as in {@link ChannelInfo}), or null
 * @param stack its frames, innermost first: the user's code from where it suspended (soft: its
 *     frame store; hard: its continuation, when the dump was taken on the tasklet's thread), or
 *     for a running tasklet its thread's stack; empty when they cannot be seen or it has not started
 */
public record TaskletInfo(long id, TaskletState state, boolean main, boolean soft, boolean atomic, String detail,
        String channel, List<StackTraceElement> stack) {
}
