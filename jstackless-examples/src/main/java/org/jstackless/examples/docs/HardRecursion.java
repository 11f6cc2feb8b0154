package org.jstackless.examples.docs;

import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * The example of docs/switching.md: a tasklet suspends at the bottom of a recursion, five frames
 * deep, and resumes there. It is made hard on purpose, so it behaves the same whether or not its
 * code is woven; hard tasklets are not restorable (cannot be pickled).
 */
public final class HardRecursion {
    private HardRecursion() {
    }

    static void recurs(int level, int depth, Channel<String> ch, Consumer<String> out) throws Suspendable {
        out.accept("enter level " + level);
        if (level < depth) {
            recurs(level + 1, depth, ch, out);
        } else {
            ch.send("hi from level " + level);            // suspends here, five frames deep
        }
        out.accept("leave level " + level);
    }

    /** Runs the example on the calling thread's scheduler, reporting to {@code out}. */
    public static void demo(Consumer<String> out) throws Suspendable {
        Channel<String> ch = new Channel<>();
        boolean wasSoft = Stackless.enableSoftSwitch(false); // tasklets created now are hard
        Tasklet t;
        try {
            t = Tasklet.spawn(() -> recurs(1, 5, ch, out));
        } finally {
            Stackless.enableSoftSwitch(wasSoft);
        }
        ch.setPreference(0);                              // receive() below returns without switching
        Stackless.schedule();                             // t runs down to level 5 and blocks in send()
        out.accept("main received: " + ch.receive());
        out.accept("t soft " + t.isSoft() + ", restorable " + t.isRestorable() + ", scheduled " + t.isScheduled());
        Stackless.run();                                  // t resumes at level 5 and unwinds normally
        out.accept("t alive " + t.isAlive());
    }

    /** Runs the example as this thread's main tasklet and prints it. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> demo(System.out::println));
    }
}
