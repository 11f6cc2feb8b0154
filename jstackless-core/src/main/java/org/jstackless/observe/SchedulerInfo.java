package org.jstackless.observe;

import java.util.List;

/**
 * One scheduler (one thread's tasklets) in a {@link TaskletDump}.
 *
 * @param thread the name of its thread
 * @param threadId the id of its thread
 * @param kind {@code "carrier"} for a {@code Schedulers} pool's carrier thread, else {@code "thread"}
 *     (a {@code runAsMain} thread or any thread that used tasklets)
 * @param consistent true when the scheduler's own thread took the snapshot between two switches;
 *     false when that thread was busy (running one tasklet's code, or plain code outside Stackless)
 *     and the dumping thread read the state as it was changing: then hard tasklets' stacks are not
 *     shown and the lists may be off by the switches made meanwhile
 * @param switches switches made by this scheduler since it started
 * @param steals tasklets moved between it and other carriers of its pool: taken from a peer's backlog or
 *        adopted in a rendezvous, or handed from its run queue to an idle peer
 * @param tasklets its live tasklets: the running one, the run queue in order, those waiting for a
 *     blocking call, a timer or a future, those blocked on channels, then paused ones it knows
 *     (main and tasklets inside {@code Stackless.run})
 */
public record SchedulerInfo(String thread, long threadId, String kind, boolean consistent, long switches, long steals,
        List<TaskletInfo> tasklets) {
}
