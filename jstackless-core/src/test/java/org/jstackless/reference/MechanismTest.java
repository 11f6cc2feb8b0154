package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.jstackless.testing.SwitchingTest;

/**
 * Spec §7: soft and hard tasklets differ only in what can be observed about their frames
 * (restorability, visible frames); the parameterized suite really runs each mechanism.
 */
class MechanismTest {
    static int down(int n, Channel<Integer> ch) throws Suspendable {
        return n == 0 ? ch.receive() : 1 + down(n - 1, ch);
    }

    // spec §7 and §3.10 (restorable, recursion_depth): the observable differences of soft and hard
    @SwitchingTest
    void theForcedMechanismIsTheOneThatRuns() throws Throwable {
        Mechanism m = Switching.forced();
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            List<Integer> got = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> got.add(down(3, ch)));
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            assertThat(t.isSoft()).isEqualTo(m == Mechanism.SOFT);
            assertThat(t.isRestorable()).isEqualTo(m == Mechanism.SOFT);
            if (m == Mechanism.SOFT) {
                // the body's lambda and four frames of down(), innermost first, like a thread dump
                assertThat(t.recursionDepth()).isEqualTo(5);
                StackTraceElement[] st = t.suspendedStackTrace();
                assertThat(st).hasSize(5);
                assertThat(st[0].getMethodName()).isEqualTo("down");
                assertThat(st[0].getFileName()).isEqualTo("MechanismTest.java");
                assertThat(st[0].getLineNumber()).isPositive();
            }
            ch.send(10);
            assertThat(got).containsExactly(13);
            assertThat(t.isAlive()).isFalse();
        });
    }
}
