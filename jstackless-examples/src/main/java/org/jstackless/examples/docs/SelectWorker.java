package org.jstackless.examples.docs;

import java.time.Duration;
import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.Select;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * The select example of docs/channels.md: a worker serves whichever of two channels has a sender,
 * then main tries a send that must not block, and a receive that waits at most 20 ms.
 */
public final class SelectWorker {
    private SelectWorker() {
    }

    /** Runs the example on the calling thread's scheduler, reporting to {@code out}. */
    public static void demo(Consumer<String> out) throws Suspendable {
        Channel<Integer> jobs = new Channel<>();
        Channel<String> control = new Channel<>();

        Tasklet.spawn(() -> {
            boolean running = true;
            while (running) {
                running = new Select<Boolean>()
                        .onReceive(jobs, n -> {
                            out.accept("worker: job " + n + " -> " + n * n);
                            return true;
                        })
                        .onReceive(control, command -> {
                            out.accept("worker: " + command);
                            return false;
                        })
                        .select();
            }
        });
        jobs.send(2);
        jobs.send(3);
        control.send("stop");

        // Nobody receives on `jobs` any more: with a default, the select does not block.
        out.accept(new Select<String>()
                .onSend(jobs, 4, () -> "sent 4")
                .orDefault(() -> "no worker waiting")
                .select());
        // Nobody sends on `control`: the timeout ends the wait.
        out.accept(new Select<String>()
                .onReceive(control, command -> "got " + command)
                .timeout(Duration.ofMillis(20), () -> "timed out")
                .select());
    }

    /** Prints the example's lines. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> demo(System.out::println));
    }
}
