package org.jstackless.examples.docs;

import java.util.List;
import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * The example of docs/channels.md: two producers fan in to one channel, a stage squares what it
 * receives and passes it on, main prints the results until the stage closes its output.
 */
public final class FanIn {
    private FanIn() {
    }

    /** Runs the pipeline on the calling thread's scheduler, reporting to {@code out}. */
    public static void pipeline(Consumer<String> out) throws Suspendable {
        Channel<Integer> numbers = new Channel<>();
        Channel<String> results = new Channel<>();
        // The stage keeps running after each hand-off, so it closes `results` before main waits again.
        results.setPreference(1);

        for (List<Integer> batch : List.of(List.of(1, 3, 5), List.of(2, 4))) {
            Tasklet.spawn(() -> {
                numbers.sendSequence(batch);
                numbers.send(null);                       // end of this producer's stream
            });
        }
        Tasklet.spawn(() -> {
            int open = 2;
            while (open > 0) {
                Integer n = numbers.receive();
                if (n == null) {
                    open--;
                } else {
                    results.send(n + "^2 = " + n * n);
                }
            }
            results.close();                              // wakes nobody: only forbids blocking
        });

        for (String r : results) {                        // ends once results is closing and empty
            out.accept(r);
        }
        out.accept("done, numbers balance " + numbers.balance() + ", results closed " + results.isClosed());
    }

    /** Runs the pipeline as this thread's main tasklet and prints it. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> pipeline(System.out::println));
    }
}
