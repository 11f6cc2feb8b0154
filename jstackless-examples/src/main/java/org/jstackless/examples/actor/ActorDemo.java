package org.jstackless.examples.actor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jstackless.Greenlet;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;

/**
 * The user-defined concept running side by side with tasklets and greenlets: a tasklet dispatches
 * a ping-pong between two actors one turn at a time, yielding to the scheduler between turns,
 * while a second tasklet plays ping-pong with two greenlets. Prints the interleaved event log.
 * Run it directly (it needs
 * {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} for hard switching on continuations).
 */
public final class ActorDemo {
    private ActorDemo() {
    }

    /** Runs the demo and returns its event log. */
    public static List<String> run(int rounds) throws Exception {
        List<String> log = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Tasklet.spawn(() -> {
                ActorSystem sys = new ActorSystem("pingpong");
                AtomicReference<Actor<Integer>> pong = new AtomicReference<>();
                Actor<Integer> ping = sys.spawn("ping", self -> {
                    self.tell(pong.get(), 1);
                    for (;;) {
                        int n = self.receive();
                        log.add("actor ping got " + n);
                        if (n >= rounds) {
                            return;
                        }
                        self.tell(pong.get(), n + 1);
                    }
                });
                pong.set(sys.spawn("pong", self -> {
                    for (;;) {
                        int n = self.receive();
                        log.add("actor pong got " + n);
                        self.tell(ping, n + 1);
                    }
                }));
                while (sys.runOne()) {
                    Stackless.schedule();
                }
                log.add("actors idle after " + sys.turns() + " turns");
            });
            Tasklet.spawn(() -> {
                Greenlet main = Greenlet.current();
                Greenlet echo = new Greenlet(args -> {
                    Object v = args[0];
                    for (;;) {
                        v = main.switchTo("echo " + v);
                    }
                });
                for (int i = 1; i <= rounds; i++) {
                    log.add("greenlet " + echo.switchTo(i));
                    Stackless.schedule();
                }
                log.add("greenlets done");
            });
            Stackless.run();
        });
        return log;
    }

    /** Prints the event log of a three-round run. */
    public static void main(String[] args) throws Exception {
        run(3).forEach(System.out::println);
    }
}
