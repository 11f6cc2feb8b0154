package org.jstackless.cluster;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;

/** A durable tasklet whose checkpoints hold this class: a node that does not allow it cannot resume them (other code). */
public final class Pinned {
    static final AtomicBoolean STOP = new AtomicBoolean();

    private Pinned() {
    }

    /** Steps until {@link #STOP}; returns the nodes it ran on. */
    public static String run() throws Suspendable, Exception {
        String path = "";
        while (true) {
            String here = ClusterNode.current().name();
            if (!path.endsWith(here)) {
                path = path.isEmpty() ? here : path + "," + here;
            }
            if (Durable.step(STOP::get)) {
                return path;
            }
            Durable.sleep(java.time.Duration.ofMillis(20));
        }
    }
}
