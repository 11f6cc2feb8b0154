package org.jstackless.examples.docs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jstackless.Channel;
import org.jstackless.Schedulers;
import org.jstackless.Stackless;

/** The example of docs/threads.md: a pool of carriers, a channel across them, and a blocking call. */
public final class ManyCores {
    private ManyCores() {
    }

    /** Sums 0..n-1 with one tasklet per number, spread over two carrier threads. */
    public static List<String> run(int n) throws Exception {
        List<String> out = new ArrayList<>();
        AtomicLong total = new AtomicLong();
        try (Schedulers pool = Schedulers.start(2)) {
            Channel<Long> results = new Channel<>();       // shared by both carriers
            for (long i = 0; i < n; i++) {
                long v = i;
                pool.spawn(() -> results.send(v));         // spread over the carriers
            }
            pool.spawn(() -> {
                long sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += results.receive();               // senders on either carrier
                }
                // A blocking call leaves the carrier free for other tasklets meanwhile.
                String note = Stackless.blocking(() -> "computed off the scheduler");
                total.set(sum);
                out.add(note);
            });
            boolean quiet = pool.join(Duration.ofSeconds(30));
            out.add("quiescent " + quiet);
        }
        out.add("sum " + total.get());
        return out;
    }

    /** Prints the run. */
    public static void main(String[] args) throws Exception {
        run(1000).forEach(System.out::println);
    }
}
