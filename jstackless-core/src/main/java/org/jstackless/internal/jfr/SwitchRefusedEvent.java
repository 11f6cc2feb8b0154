package org.jstackless.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A soft switch was refused (or deferred): an unwoven frame sat between the tasklet's body and the switch. */
@Name("jstackless.SwitchRefused")
@Label("Soft Switch Refused")
@Category("jstackless")
@Description("A soft tasklet could not switch softly; the frame that prevented it is named")
public final class SwitchRefusedEvent extends jdk.jfr.Event {
    @Label("Tasklet Id")
    long taskletId;
    @Label("Frame")
    @Description("The unwoven frame, as a stack trace element")
    String frame;
    @Label("Deferred")
    @Description("True when the switch was carried out another way (e.g. hard) instead of failing")
    boolean deferred;
}
