package org.jstackless;

import org.jstackless.internal.soft.SoftContext;

/**
 * The user's hooks (spec §5.5, §4.4): the schedule callback, the channel callback and the error
 * handler, and how a scheduler calls them.
 *
 * <p>State: the three hooks, global as in Stackless (volatile: set from any thread, read at every
 * switch). While a hook runs, its scheduler's {@code inScheduleCallback}/{@code inChannelCallback}
 * is set, so that a switch or channel operation from inside it is refused; the soft frame chain the
 * following switch checks is saved around it. A hook that throws is reported to the scheduler's
 * thread's uncaught-exception handler and changes nothing.
 */
final class Callbacks {
    static volatile ScheduleCallback scheduleCallback;
    static volatile ChannelCallback channelCallback;
    static volatile ErrorHandler errorHandler;

    private Callbacks() {
    }

    static void onSchedule(Scheduler s, Tasklet prev, Tasklet next) {
        ScheduleCallback cb = scheduleCallback;
        if (cb == null) {
            return;
        }
        s.inScheduleCallback = true;
        int chain = SoftContext.chain(); // the switch that follows checks it
        try {
            cb.onSchedule(prev, next);
        } catch (Throwable e) {
            s.uncaught(e);
        } finally {
            s.inScheduleCallback = false;
            SoftContext.restoreChain(chain);
        }
    }

    static void onChannel(Scheduler s, Channel<?> ch, Tasklet t, boolean sending, boolean willBlock) {
        ChannelCallback cb = channelCallback;
        if (cb == null) {
            return;
        }
        s.inChannelCallback = true;
        int chain = SoftContext.chain(); // the channel operation checks it after the callback
        try {
            cb.onChannel(ch, t, sending, willBlock);
        } catch (Throwable e) {
            s.uncaught(e);
        } finally {
            s.inChannelCallback = false;
            SoftContext.restoreChain(chain);
        }
    }
}
