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
import org.jstackless.Yielder;
import org.junit.jupiter.api.Test;

/**
 * The yielder a generator gives its body is recognised by its type, wherever the pickle reaches
 * it: held by the consumer too, it is the loaded generator's; the yielder of a generator that is
 * not suspended in a yield is refused, saying so.
 */
class PickleYielderTest {
    static final List<String> OUT = new ArrayList<>();

    static void holdsTheYielder(Channel<Object> ch) throws Suspendable {
        Object[] escaped = new Object[1];
        Generator<Integer> g = Generator.of(y -> {
            escaped[0] = y;
            y.yield(1);
            y.yield(2);
        });
        OUT.add("a " + g.next());
        @SuppressWarnings("unchecked")
        Yielder<Integer> y = (Yielder<Integer>) escaped[0];
        ch.receive(); // pickled here: the frame holds the yielder before (or after) the generator
        OUT.add("b " + g.next() + " " + (escaped[0] == y));
        try {
            y.yield(3);
        } catch (IllegalStateException e) {
            OUT.add("c " + e.getMessage());
        }
    }

    static void holdsAFinishedGeneratorsYielder(Channel<Object> ch) throws Suspendable {
        Object[] escaped = new Object[1];
        Generator<Integer> g = Generator.of(y -> escaped[0] = y);
        OUT.add("done " + g.hasNext());
        Object y = escaped[0];
        ch.receive();
        OUT.add("" + y);
    }

    static Pickler pickler() {
        return PickleTestSupport.builder(PickleYielderTest.class).build();
    }

    @Test
    void aYielderHeldOutsideTheBodyComesBackAsTheLoadedGeneratorsYielder() throws Exception {
        OUT.clear();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> holdsTheYielder(ch));
            Stackless.schedule();
            b[0] = pickler().dumps(t);
            t.kill();
        });
        assertThat(Pickler.describe(b[0], PickleTestSupport.KEY)).contains("yielder of generator #");
        OUT.clear();
        Stackless.runAsMain(() -> {
            Tasklet u = pickler().loads(b[0]);
            u.run();
            assertThat(u.isAlive()).isFalse();
        });
        assertThat(OUT).containsExactly("b 2 true", "c yield called outside its generator's body");
    }

    @Test
    void theYielderOfAFinishedGeneratorIsRefusedSayingWhy() throws Exception {
        OUT.clear();
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> holdsAFinishedGeneratorsYielder(ch));
            Stackless.schedule();
            assertThatThrownBy(() -> pickler().dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("only the yielder of a generator suspended in a yield pickles");
            t.kill();
        });
        assertThat(OUT).containsExactly("done false");
    }
}
