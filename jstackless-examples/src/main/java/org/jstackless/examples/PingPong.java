package org.jstackless.examples;

import java.util.List;
import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/** Two tasklets bat a counter back and forth over two channels; main waits for the last hit. */
public final class PingPong {
    private PingPong() {
    }

    /** Plays {@code rounds} exchanges, reporting each hit to {@code out}; returns the final count. */
    public static int play(int rounds, Consumer<String> out) throws Suspendable {
        Channel<Integer> toPong = new Channel<>();
        Channel<Integer> toPing = new Channel<>();
        Channel<Integer> done = new Channel<>();
        Tasklet.spawn(() -> {
            int n = 0;
            for (int i = 0; i < rounds; i++) {
                toPong.send(n);
                n = toPing.receive();
                out.accept("ping got " + n);
            }
            done.send(n);
        });
        Tasklet.spawn(() -> {
            for (int i = 0; i < rounds; i++) {
                int n = toPong.receive();
                out.accept("pong got " + n);
                toPing.send(n + 1);
            }
        });
        return done.receive();
    }

    /** Runs a short game and prints it. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> {
            int last = play(3, System.out::println);
            System.out.println("final count " + last + " after " + List.of("ping", "pong").size() * 3 + " hits");
        });
    }
}
