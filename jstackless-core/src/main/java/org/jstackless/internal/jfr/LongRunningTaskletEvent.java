package org.jstackless.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** A carrier ran one tasklet without a switch for longer than the blocked-carrier threshold. */
@Name("jstackless.LongRunningTasklet")
@Label("Long-Running Tasklet")
@Category("jstackless")
@Description("A tasklet held its carrier thread longer than the blocked-carrier threshold without switching")
public final class LongRunningTaskletEvent extends jdk.jfr.Event {
    @Label("Tasklet Id")
    long taskletId;
    @Label("Carrier")
    String carrier;
    @Label("Ran For")
    @Timespan(Timespan.NANOSECONDS)
    long ranFor;
}
