package org.jstackless.internal.switching;

import org.jstackless.TaskletBody;
import org.jstackless.internal.soft.Boundary;

/** The entry protocol shared by the hard mechanisms. */
final class Strands {
    private Strands() {
    }

    /** begin, body, end: the whole life of a hard strand, run on the strand itself. */
    @Boundary
    static void runEntry(TaskletBody body, StrandEntry entry) {
        Throwable error = null;
        try {
            entry.begin();
            body.run();
        } catch (Throwable t) {
            error = t;
        }
        entry.end(error);
    }
}
