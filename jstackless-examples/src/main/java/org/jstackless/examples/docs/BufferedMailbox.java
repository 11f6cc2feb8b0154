package org.jstackless.examples.docs;

import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * The buffered-channel example of docs/channels.md: sends fill the buffer without blocking, the
 * next sender blocks, and receiving drains the buffer in order, moving the blocked sender's value in.
 */
public final class BufferedMailbox {
    private BufferedMailbox() {
    }

    /** Runs the example on the calling thread's scheduler, reporting to {@code out}. */
    public static void demo(Consumer<String> out) throws Suspendable {
        Channel<String> mailbox = new Channel<>(3);
        mailbox.send("a");                                  // nobody receives: stored, no switch
        mailbox.send("b");
        mailbox.send("c");
        out.accept("buffered " + mailbox.buffered() + ", balance " + mailbox.balance());

        Tasklet producer = Tasklet.spawn(() -> {
            mailbox.send("d");                              // the buffer is full: blocks
            out.accept("producer: d went in");
        });
        Stackless.schedule();
        out.accept("producer blocked " + producer.isBlocked() + ", balance " + mailbox.balance());

        mailbox.close();                                    // buffered values still drain
        for (String s : mailbox) {
            out.accept("got " + s);
        }
        Stackless.run();
        out.accept("closed " + mailbox.isClosed());
    }

    /** Prints the example's lines. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> demo(System.out::println));
    }
}
