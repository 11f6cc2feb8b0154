package org.jstackless.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A tasklet's body returned or threw: off by default, like {@code jdk.VirtualThreadEnd}. */
@Name("jstackless.TaskletEnd")
@Label("Tasklet End")
@Category("jstackless")
@Description("A tasklet's body returned or threw")
@Enabled(false)
@StackTrace(false)
public final class TaskletEndEvent extends jdk.jfr.Event {
    @Label("Tasklet Id")
    long taskletId;
    @Label("Failed")
    @Description("The body ended with an exception other than TaskletExit")
    boolean failed;
}
