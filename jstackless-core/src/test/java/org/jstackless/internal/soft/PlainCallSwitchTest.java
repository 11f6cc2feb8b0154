package org.jstackless.internal.soft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Generator;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A soft tasklet that would switch inside a plain (not suspendable) call into the core — the
 * Iterator of a Channel, or a switch inside a Generator's body, which runs inside the consumer's
 * next() — is refused before anything unwinds, instead of its caller going on with a made-up value
 * while the tasklet is suspended.
 */
class PlainCallSwitchTest {
    @AfterEach
    void reset() {
        Switching.force(null);
    }

    @Test
    void channelIterationInASoftTaskletIsRefusedClearly() throws Exception {
        Switching.force(Mechanism.SOFT);
        List<Object> got = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                Iterator<Integer> it = ch.iterator();
                got.add(it.next()); // would block inside a plain call
            });
            assertThatThrownBy(Stackless::run).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("plain method call").hasMessageContaining("enableSoftSwitch(false)");
            assertThat(t.isAlive()).isFalse();
        });
        assertThat(got).isEmpty();
    }

    @Test
    void aGeneratorConsumedFromASoftTaskletRunsNestedAndOnlyASwitchInsideItsBodyIsRefused() throws Exception {
        // A generator's next() never switches its consumer (the body runs nested on the consumer's
        // stack), so it is allowed from soft code; what cannot work is a switch inside the body.
        Switching.force(Mechanism.SOFT);
        List<Object> got = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                Generator<Integer> g = Generator.of(y -> y.yield(1));
                got.add(g.next());
                Generator<Integer> blocking = Generator.of(y -> y.yield(ch.receive()));
                got.add(blocking.next()); // refused before the channel or the scheduler change
            });
            assertThat(t.isSoft()).isTrue();
            assertThatThrownBy(Stackless::run).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot switch away from inside a generator's body");
            assertThat(t.isAlive()).isFalse();
            assertThat(ch.balance()).isZero(); // nobody was left waiting on the channel
        });
        assertThat(got).containsExactly(1);
    }
}
