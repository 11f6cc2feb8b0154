package org.jstackless.examples.docs;

import java.util.List;
import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/** The example of docs/tasklets.md: round robin, the tempval mailbox, kill, and the watchdog. */
public final class TaskletTour {
    private TaskletTour() {
    }

    /** Runs the tour on the calling thread's scheduler, reporting each step to {@code out}. */
    public static void tour(Consumer<String> out) throws Suspendable {
        // 1. Round robin: each schedule() moves the caller to the end of the round.
        for (String name : List.of("a", "b", "c")) {
            Tasklet.spawn(() -> {
                for (int i = 1; i <= 2; i++) {
                    out.accept(name + i);
                    Stackless.schedule();
                }
            });
        }
        out.accept("run count " + Stackless.runCount());     // main + 3
        Stackless.run();                                      // returns when nothing is runnable
        out.accept("run count " + Stackless.runCount());     // main alone again

        // 2. tempval is the mailbox: whatever is in it when a tasklet resumes is what its call returns.
        Tasklet sleeper = Tasklet.spawn(() -> out.accept("sleeper woke with " + Stackless.scheduleRemove()));
        Stackless.schedule();                                 // the sleeper runs and pauses itself
        out.accept("sleeper paused " + sleeper.isPaused());
        sleeper.setTempval("a value from main");
        sleeper.insert();                                     // runnable again; nothing runs yet
        Stackless.schedule();

        // 3. kill() raises TaskletExit at the point where the tasklet waits: finally blocks run.
        Channel<String> never = new Channel<>();
        Tasklet waiter = Tasklet.spawn(() -> {
            try {
                never.receive();
            } finally {
                out.accept("waiter cleans up");
            }
        });
        Stackless.run();                                      // the waiter blocks, run() returns
        out.accept("waiter blocked " + waiter.isBlocked() + ", balance " + never.balance());
        waiter.kill();
        out.accept("waiter alive " + waiter.isAlive() + ", balance " + never.balance());

        // 4. An exception escaping a tasklet is thrown by run() (the watchdog); the others carry on.
        Tasklet.spawn(() -> {
            throw new IllegalArgumentException("bad input");
        });
        Tasklet.spawn(() -> out.accept("the next tasklet still runs"));
        try {
            Stackless.run();
        } catch (IllegalArgumentException e) {
            out.accept("run() threw: " + e.getMessage() + ", run count " + Stackless.runCount());
        }
        Stackless.run();
    }

    /** Runs the tour as this thread's main tasklet and prints it. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> tour(System.out::println));
    }
}
