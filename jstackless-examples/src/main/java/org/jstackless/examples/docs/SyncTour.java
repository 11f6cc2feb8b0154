package org.jstackless.examples.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.sync.Event;
import org.jstackless.sync.Lock;
import org.jstackless.sync.Semaphore;

/**
 * The example of docs/sync.md: tellers update one account under a Lock although they switch inside
 * it, at most two "downloads" run at once under a Semaphore, and an Event starts them together.
 */
public final class SyncTour {
    private SyncTour() {
    }

    /** Runs the tour on the calling thread's scheduler, reporting to {@code out}. */
    public static void tour(Consumer<String> out) throws Suspendable {
        Lock account = new Lock();
        int[] balance = {100};
        for (String teller : List.of("ann", "bob")) {
            Tasklet.spawn(() -> {
                account.acquire();
                try {
                    int b = balance[0];
                    Stackless.schedule();            // switches while holding the lock
                    balance[0] = b + 10;
                    out.accept(teller + " deposited 10, balance " + balance[0]);
                } finally {
                    account.release();
                }
            });
        }
        Stackless.run();

        Event start = new Event();
        Semaphore slots = new Semaphore(2);
        List<String> inside = new ArrayList<>();
        for (String file : List.of("a.txt", "b.txt", "c.txt")) {
            Tasklet.spawn(() -> {
                start.await();                       // all wait for the starting signal
                slots.acquire();                     // at most two inside at once
                try {
                    inside.add(file);
                    out.accept("fetching " + file + ", inside " + inside);
                    Stackless.schedule();
                    inside.remove(file);
                } finally {
                    slots.release();
                }
            });
        }
        Stackless.run();
        out.accept("waiting for the start: " + start.waiting());
        start.set();
        Stackless.run();
        out.accept("done, free slots " + slots.availablePermits());
    }

    /** Prints the tour. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> tour(System.out::println));
    }
}
