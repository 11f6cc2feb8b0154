package org.jstackless.examples.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Generator;
import org.jstackless.Greenlet;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The actor concept on its own coroutine group, side by side with tasklets, greenlets and generators. */
class ActorTest {
    static List<Mechanism> mechanisms() {
        org.jstackless.internal.soft.runtime.SoftRuntime.install(); // the concepts plug it in on first use; this may run before any did
        return Switching.available();
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void actorsTaskletsAndGreenletsInterleaveInAnExactOrder(Mechanism m) throws Exception {
        Switching.force(m);
        try {
            assertThat(ActorDemo.run(3)).containsExactly(
                    "greenlet echo 1",
                    "actor pong got 1",
                    "greenlet echo 2",
                    "actor ping got 2",
                    "greenlet echo 3",
                    "actor pong got 3",
                    "greenlets done",
                    "actor ping got 4",
                    "actors idle after 5 turns");
        } finally {
            Switching.force(null);
        }
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void actorSwitchesAreInvisibleToTheOtherConcepts(Mechanism m) throws Exception {
        Switching.force(m);
        try {
            List<String> log = new ArrayList<>();
            Stackless.runAsMain(() -> {
                Tasklet t = Tasklet.spawn(() -> {
                    ActorSystem sys = new ActorSystem("s");
                    Tasklet me = Stackless.current();
                    Actor<String> a = sys.spawn("a", self -> {
                        for (;;) {
                            String msg = self.receive();
                            // inside an actor: still the same tasklet, still the main greenlet
                            log.add(msg + " tasklet=" + (Stackless.current() == me) + " greenletMain="
                                    + Greenlet.current().isMain());
                            for (String s : Generator.<String>iterable(y -> {
                                y.yield(msg + "-1");
                                y.yield(msg + "-2");
                            })) {
                                log.add(s);
                            }
                        }
                    });
                    sys.tell(a, "m1");
                    sys.tell(a, "m2");
                    assertThat(sys.runUntilIdle()).isEqualTo(1); // one turn handles both messages
                    sys.tell(a, "m3");
                    assertThat(sys.runUntilIdle()).isEqualTo(1);
                    assertThat(a.isAlive()).isTrue();
                    assertThat(sys.group().current().isMain()).isTrue();
                    assertThatThrownBy(() -> sys.tell(new ActorSystem("other").spawn("x", s -> { }), "no"))
                            .isInstanceOf(IllegalArgumentException.class);
                });
                Stackless.run();
                assertThat(t.isAlive()).isFalse();
            });
            assertThat(log).containsExactly("m1 tasklet=true greenletMain=true", "m1-1", "m1-2",
                    "m2 tasklet=true greenletMain=true", "m2-1", "m2-2",
                    "m3 tasklet=true greenletMain=true", "m3-1", "m3-2");
        } finally {
            Switching.force(null);
        }
    }
}
