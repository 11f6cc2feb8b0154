package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Generator;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.Test;

/**
 * Generators in pickles: a generator a pickled tasklet's frames reach comes back suspended in its
 * yield (soft body: its frames are pickled, the yielder its body holds stands for the restored
 * generator's), not started (with its body) or finished.
 */
class PickleGeneratorTest {
    static final List<String> OUT = new ArrayList<>();

    static void consumer(Channel<Object> ch) throws Suspendable {
        Generator<Integer> squares = Generator.of(y -> {
            for (int i = 0; i < 5; i++) {
                y.yield(i * i);
            }
        });
        Generator<String> unstarted = Generator.of(y -> y.yield("u"));
        Generator<String> finished = Generator.of(y -> { });
        finished.hasNext();
        OUT.add("a " + squares.next());
        OUT.add("b " + squares.next());
        ch.receive(); // pickled here: squares suspended after yielding 1
        while (squares.hasNext()) {
            OUT.add("c " + squares.next());
        }
        OUT.add("un " + unstarted.next() + " " + unstarted.hasNext());
        OUT.add("fin " + finished.isFinished());
    }

    static Pickler pickler() {
        return PickleTestSupport.builder(PickleGeneratorTest.class).build();
    }

    @Test
    void suspendedUnstartedAndFinishedGeneratorsRoundTrip() throws Exception {
        OUT.clear();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> consumer(ch));
            Stackless.schedule();
            b[0] = pickler().dumps(t);
            t.kill();
        });
        assertThat(OUT).containsExactly("a 0", "b 1");
        assertThat(Pickler.describe(b[0], PickleTestSupport.KEY)).contains("generator #", "(finished)",
                "yielder of generator #");
        OUT.clear();
        Stackless.runAsMain(() -> {
            Tasklet u = pickler().loads(b[0]);
            u.run();
            assertThat(u.isAlive()).isFalse();
        });
        assertThat(OUT).containsExactly("c 4", "c 9", "c 16", "un u false", "fin true");
    }

    static void buffered(Channel<Object> ch) throws Suspendable {
        Generator<Integer> g = Generator.of(y -> y.yield(1));
        g.hasNext();
        ch.receive();
        OUT.add("" + g.next());
    }

    @Test
    void aBufferedValueIsRefusedWithTheFix() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> buffered(ch));
            Stackless.schedule();
            assertThatThrownBy(() -> pickler().dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("pickle it before hasNext() or after next()");
            t.kill();
        });
    }
}
