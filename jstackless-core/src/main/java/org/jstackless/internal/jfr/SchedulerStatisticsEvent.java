package org.jstackless.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** Periodic: one scheduler's counts (one event per live scheduler per period). */
@Name("jstackless.SchedulerStatistics")
@Label("Scheduler Statistics")
@Category("jstackless")
@Description("Per-scheduler counts of tasklets and switches")
@Period("1 s")
@StackTrace(false)
public final class SchedulerStatisticsEvent extends jdk.jfr.Event {
    @Label("Scheduler Thread")
    String scheduler;
    @Label("Alive")
    long alive;
    @Label("Runnable")
    long runnable;
    @Label("Blocked")
    long blocked;
    @Label("Waiting")
    long waiting;
    @Label("Switches")
    @Description("Switches since the scheduler started")
    long switches;
    @Label("Steals")
    long steals;
}
