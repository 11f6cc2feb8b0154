package org.jstackless.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.internal.observe.Bridge;
import org.jstackless.internal.observe.DumpFormat;

/**
 * Every live tasklet of the JVM, grouped by scheduler, with its state and suspended stack, plus the
 * queues of the channels tasklets wait on: the tasklets' thread dump.
 *
 * <pre>{@code
 * System.out.println(TaskletDump.capture().toText());   // or toJson()
 * }</pre>
 *
 * <p>How it is taken: each scheduler is asked to describe itself on its own thread at its next
 * switch or while it idles, so the picture is consistent and hard tasklets' stacks can be read; a
 * scheduler whose thread does not come by within a moment (it runs one tasklet's code for long, or
 * plain code outside Stackless) is read from the dumping thread instead, marked
 * {@linkplain SchedulerInfo#consistent() inconsistent}. Nothing is kept per tasklet for this:
 * the run queues, the waits and the channels that ever had a waiter (held weakly) are walked.
 * Hence what it cannot list: a tasklet paused by {@code remove()} or {@code switchTo} away, which
 * nothing but the user's code references (unless {@link TaskletTracking} is installed), and a
 * tasklet in transit between two carriers.
 *
 * @param time when the capture started
 * @param schedulers every live scheduler, in no particular order
 * @param channels the channels with waiting tasklets
 * @param blockingQueued {@code Stackless.blocking} calls waiting for a permit of the blocking pool
 * @param blockingActive {@code Stackless.blocking} calls running
 */
public record TaskletDump(Instant time, List<SchedulerInfo> schedulers, List<ChannelInfo> channels,
        int blockingQueued, int blockingActive) {

    /** Takes a dump of every scheduler of the JVM; waits at most about a second for busy ones. */
    public static TaskletDump capture() {
        return Bridge.source().capture(1000);
    }

    /** Every tasklet of the dump, scheduler by scheduler. */
    public List<TaskletInfo> tasklets() {
        List<TaskletInfo> l = new ArrayList<>();
        for (SchedulerInfo s : schedulers) {
            l.addAll(s.tasklets());
        }
        return l;
    }

    /** The dump as text, laid out like a thread dump. */
    public String toText() {
        return DumpFormat.text(this);
    }

    /** The dump as one JSON object (schema in docs/observability.md). */
    public String toJson() {
        return DumpFormat.json(this);
    }
}
