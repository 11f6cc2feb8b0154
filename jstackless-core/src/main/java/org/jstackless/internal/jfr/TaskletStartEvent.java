package org.jstackless.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A tasklet became alive (setup, spawn): off by default, like {@code jdk.VirtualThreadStart}. */
@Name("jstackless.TaskletStart")
@Label("Tasklet Start")
@Category("jstackless")
@Description("A tasklet was set up (spawned)")
@Enabled(false)
@StackTrace(false)
public final class TaskletStartEvent extends jdk.jfr.Event {
    @Label("Tasklet Id")
    long taskletId;
    @Label("Soft")
    @Description("Whether it switches soft (woven frames unwound to the heap)")
    boolean soft;
}
