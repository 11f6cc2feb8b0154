package org.jstackless.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/** A {@code Stackless.blocking} call: its duration (the event's) and the time it queued for a permit. */
@Name("jstackless.BlockingCall")
@Label("Blocking Call")
@Category("jstackless")
@Description("A call run on the blocking pool while its tasklet waited; the duration is the call's own")
@Threshold("20 ms")
@StackTrace(false)
public final class BlockingCallEvent extends jdk.jfr.Event {
    @Label("Tasklet Id")
    long taskletId;
    @Label("Callable")
    @Description("The class of the call")
    String callable;
    @Label("Queued")
    @Description("Time from the call's submission until it got a permit of the blocking pool")
    @Timespan(Timespan.NANOSECONDS)
    long queued;
    @Label("Failed")
    boolean failed;
}
