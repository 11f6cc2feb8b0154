package org.jstackless.examples.docs;

import java.time.Duration;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.observe.TaskletDump;

/**
 * The example of docs/observability.md: a server tasklet blocked on its request channel, a client
 * sleeping before it sends, a tasklet in a blocking call; main prints the tasklet dump, then lets
 * them finish (about a second, long enough for JFR's periodic events).
 */
public final class WatchTasklets {
    private WatchTasklets() {
    }

    static void serve(Channel<String> requests) throws Suspendable {
        while (true) {
            System.out.println("served " + requests.receive());
        }
    }

    static void client(Channel<String> requests) throws Suspendable {
        Stackless.sleep(Duration.ofSeconds(1));
        requests.send("hello");
    }

    static void slowCall() throws Suspendable, Exception {
        Stackless.blocking(() -> {
            Thread.sleep(1000); // a call that blocks its thread: it runs on the blocking pool
            return null;
        });
    }

    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> requests = new Channel<>();
            Tasklet.spawn(() -> serve(requests));
            Tasklet.spawn(() -> client(requests));
            Tasklet.spawn(WatchTasklets::slowCall);
            Stackless.schedule();                          // each runs until it waits
            System.out.print(TaskletDump.capture().toText());
            Stackless.run();                               // until only the server is left, blocked
        });
    }
}
