package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 13: {@link Tasklet#suspendedStackTrace()} shows a suspended tasklet's own frames, innermost
 * first, for soft tasklets (the woven frames) and for hard ones on JDK continuations (read from the
 * continuation, the library's switching frames left out) alike.
 */
class SuspendedStackTraceTest {
    static int down(int n, Channel<Integer> ch) throws Suspendable {
        return n == 0 ? ch.receive() : 1 + down(n - 1, ch);
    }

    @SwitchingTest
    void showsTheBodysFramesInnermostFirst() throws Throwable {
        Mechanism m = Switching.forced();
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            List<Integer> got = new ArrayList<>();
            Tasklet t = new Tasklet(() -> got.add(down(3, ch)));
            assertThat(t.suspendedStackTrace()).as("not started").isEmpty();
            t.setup();
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            StackTraceElement[] st = t.suspendedStackTrace();
            if (m == Mechanism.VIRTUAL_THREAD) {
                // the fallback's thread stack as the JDK reports it: the body's frames are among them
                assertThat(st).anySatisfy(e -> assertThat(e.getMethodName()).isEqualTo("down"));
            } else {
                // down(0) .. down(3), then the body's lambda: five frames, as a thread dump would list them
                assertThat(st).hasSize(5);
                for (int i = 0; i < 4; i++) {
                    assertThat(st[i].getClassName()).isEqualTo(SuspendedStackTraceTest.class.getName());
                    assertThat(st[i].getMethodName()).isEqualTo("down");
                    assertThat(st[i].getFileName()).isEqualTo("SuspendedStackTraceTest.java");
                    assertThat(st[i].getLineNumber()).isPositive();
                }
                assertThat(st[4].getMethodName()).startsWith("lambda$");
            }
            // From another thread a hard tasklet's frames are not read (it could resume meanwhile).
            CompletableFuture<Integer> seen = new CompletableFuture<>();
            new Thread(() -> seen.complete(t.suspendedStackTrace().length)).start();
            int fromElsewhere = seen.get(10, TimeUnit.SECONDS);
            assertThat(fromElsewhere).isEqualTo(m == Mechanism.SOFT ? 5 : 0);
            ch.send(10);
            assertThat(got).containsExactly(13);
            assertThat(t.suspendedStackTrace()).as("dead").isEmpty();
            assertThat(Stackless.current().suspendedStackTrace()).as("running").isEmpty();
        });
    }
}
