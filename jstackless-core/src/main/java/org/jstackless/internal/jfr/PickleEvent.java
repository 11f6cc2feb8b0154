package org.jstackless.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A tasklet was pickled or unpickled; the event's duration is the time it took. */
@Name("jstackless.Pickle")
@Label("Pickle")
@Category("jstackless")
@Description("Pickler.dumps or Pickler.loads of a tasklet")
@StackTrace(false)
public final class PickleEvent extends jdk.jfr.Event {
    @Label("Operation")
    @Description("dump or load")
    String operation;
    @Label("Tasklet Id")
    long taskletId;
    @Label("Size")
    @jdk.jfr.DataAmount
    long size;
    @Label("Frames")
    int frames;
}
