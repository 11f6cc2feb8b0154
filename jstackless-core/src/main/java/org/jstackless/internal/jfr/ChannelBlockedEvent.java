package org.jstackless.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/** A tasklet was blocked on a channel longer than the threshold; committed when it leaves the queue. */
@Name("jstackless.ChannelBlocked")
@Label("Tasklet Blocked on Channel")
@Category("jstackless")
@Description("A tasklet waited in a channel's queue for a partner longer than the threshold")
@Threshold("20 ms")
@StackTrace(false)
public final class ChannelBlockedEvent extends jdk.jfr.Event {
    @Label("Tasklet Id")
    long taskletId;
    @Label("Channel")
    String channel;
    @Label("Sending")
    @Description("True when blocked in send, false in receive")
    boolean sending;
}
