package org.jstackless.examples.docs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;

/**
 * The example of docs/threads.md: two platform threads, each its own Stackless main, talk over a
 * pair of channels. Both are declared partners before either runs, so the echo thread waits for
 * the driver even if it blocks in receive() before the driver has made its first Stackless call.
 */
public final class EchoPartners {
    private EchoPartners() {
    }

    /** Runs the echo and the driver threads; returns what the driver received. */
    public static List<String> run() throws Exception {
        Channel<String> in = new Channel<>();
        Channel<String> out = new Channel<>();
        List<String> got = Collections.synchronizedList(new ArrayList<>());

        Thread driver = new Thread(() -> {
            try {
                Stackless.runAsMain(() -> {
                    for (String s : List.of("a", "b", "c")) {
                        in.send(s);
                        got.add(out.receive());
                    }
                    in.send("stop");
                });
            } catch (Exception e) {
                got.add("driver failed: " + e);
            }
        }, "driver");
        Stackless.expectPartner(driver);                  // a partner from now on, started or not

        Thread echo = Stackless.startThread("echo", () -> {   // runAsMain on a new, declared thread
            for (String s = in.receive(); !s.equals("stop"); s = in.receive()) {
                out.send(s + "!");
            }
        });
        driver.start();
        echo.join();
        driver.join();
        return got;
    }

    /** Prints what the driver received. */
    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
