package org.jstackless.internal.switching;

import org.jstackless.internal.soft.Boundary;

/** The entry protocol shared by the hard mechanisms. */
final class Strands {
    private Strands() {
    }

    /** begin, body, end: the whole life of a hard strand, run on the strand itself. */
    @Boundary // the body's code can never unwind through here (the weaver leaves it unwoven)
    static void runEntry(Object body, StrandEntry entry) {
        Throwable error = null;
        try {
            entry.begin();
            entry.runBody(body);
        } catch (Throwable t) {
            error = t;
        }
        entry.end(error);
    }
}
