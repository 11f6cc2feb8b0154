package org.jstackless.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** Periodic: the blocking pool's queued and running calls. */
@Name("jstackless.BlockingPoolStatistics")
@Label("Blocking Pool Statistics")
@Category("jstackless")
@Period("1 s")
@StackTrace(false)
public final class BlockingPoolStatisticsEvent extends jdk.jfr.Event {
    @Label("Queued")
    int queued;
    @Label("Active")
    int active;
}
