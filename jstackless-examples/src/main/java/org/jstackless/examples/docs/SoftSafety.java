package org.jstackless.examples.docs;

import java.util.List;
import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * The second example of docs/switching.md: a helper that javac lets call a suspendable method
 * without declaring it (it catches Throwable) is woven and works soft; a switch inside a JDK
 * callback is refused at the call, with nothing changed, and the tasklet goes on.
 */
public final class SoftSafety {
    private SoftSafety() {
    }

    /** No 'throws Suspendable': the catch covers it for javac. The weaver weaves it anyway. */
    static String safeReceive(Channel<String> ch) {
        try {
            return "processed(" + ch.receive() + ")";
        } catch (Throwable t) {
            return "error";
        }
    }

    /** Runs the example on the calling thread's scheduler, reporting to {@code out}. */
    public static void demo(Consumer<String> out) throws Suspendable {
        Channel<String> ch = new Channel<>();
        Tasklet t = Tasklet.spawn(() -> out.accept(safeReceive(ch)));
        Tasklet u = Tasklet.spawn(() -> {
            try {
                List.of("a").forEach(s -> {
                    try {
                        ch.send(s);                         // a switch inside a JDK callback
                    } catch (Suspendable impossible) {
                        throw new AssertionError(impossible);
                    }
                });
            } catch (IllegalStateException e) {
                String m = e.getMessage();
                out.accept("refused: " + m.substring(0, m.indexOf(": the frame")));
            }
            ch.send("b");                                   // nothing changed: it goes on
        });
        out.accept("t soft " + t.isSoft() + ", u soft " + u.isSoft());
        Stackless.run();
        out.accept("t alive " + t.isAlive() + ", u alive " + u.isAlive());
    }

    /** Runs the example as this thread's main tasklet and prints it. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> demo(System.out::println));
    }
}
