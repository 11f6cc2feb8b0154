package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jstackless.pickle.PickleTestSupport.OUT;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jstackless.Channel;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Suspended soft tasklets to bytes and back, in this JVM. */
class PickleRoundTripTest {
    final Pickler pickler = PickleTestSupport.builder(PickleRoundTripTest.class).build();

    @BeforeEach
    void clear() {
        OUT.clear();
    }

    static void recurs(Channel<String> ch, int depth, int level) throws Suspendable {
        OUT.add("enter " + level);
        if (level >= depth) {
            ch.send("hi");
        }
        if (level < depth) {
            recurs(ch, depth, level + 1);
        }
        OUT.add("leave " + level);
    }

    @Test
    void recursDemoInOneJvm() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> recurs(ch, 14, 1));
            assertThat(ch.receive()).isEqualTo("hi");
            assertThat(t.isSoft()).isTrue();
            byte[] b = pickler.dumps(t);
            t.remove();
            OUT.add("pickled");
            Tasklet u = pickler.loads(b);
            assertThat(u).isNotSameAs(t);
            assertThat(u.isAlive()).isTrue();
            assertThat(u.isPaused()).isTrue();
            assertThat(u.isBlocked()).isFalse();
            assertThat(u.recursionDepth()).isEqualTo(t.recursionDepth()).isEqualTo(15);
            u.insert();
            Stackless.run();
            assertThat(u.isAlive()).isFalse();
        });
        List<String> expected = new ArrayList<>();
        IntStream.rangeClosed(1, 14).forEach(i -> expected.add("enter " + i));
        expected.add("pickled");
        IntStream.iterate(14, i -> i >= 1, i -> i - 1).forEach(i -> expected.add("leave " + i));
        assertThat(OUT).containsExactlyElementsOf(expected);
    }

    static void counter(String name, int n) throws Suspendable {
        for (int i = 0; i < n; i++) {
            // Not OUT.add(... + schedule()): OUT would be on the operand stack, and pickled as a copy.
            Object got = Stackless.schedule("v" + i);
            OUT.add(name + " " + i + " got " + got);
        }
    }

    @Test
    void suspendedInScheduleResumesTwiceFromOnePickle() throws Exception {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> counter("a", 4));
            t.run(); // a 0 ... then schedule() switches back to main
            t.remove();
            byte[] b = pickler.dumps(t);
            // Stackless loads one pickle any number of times; here the replay check must be turned off for that.
            Pickler twice = PickleTestSupport.builder(PickleRoundTripTest.class).acceptReplays().build();
            for (String tag : List.of("x", "y")) {
                Tasklet u = twice.loads(b);
                u.setTempval(tag);
                u.insert();
                Stackless.run();
                OUT.add("end " + tag);
            }
        });
        assertThat(OUT).containsExactly(
                "a 0 got x", "a 1 got v1", "a 2 got v2", "a 3 got v3", "end x",
                "a 0 got y", "a 1 got v1", "a 2 got v2", "a 3 got v3", "end y");
    }
}
