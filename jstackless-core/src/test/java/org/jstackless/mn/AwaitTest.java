package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 6: {@link Stackless#await} waits for a {@link CompletableFuture} while the other tasklets
 * run; it returns the value or throws the exception the future completed with.
 */
class AwaitTest {

    // issue 6: a completed future returns at once, without a switch
    @SwitchingTest
    void completedFutureReturnsAtOnce() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> events = new ArrayList<>();
            Tasklet other = Tasklet.spawn(() -> events.add("other ran"));
            assertThat((String) Stackless.await(CompletableFuture.completedFuture("done"))).isEqualTo("done");
            assertThat(events).as("no switch happened").isEmpty();
            Tasklet t = Tasklet.spawn(() -> events.add("t got " + Stackless.await(CompletableFuture.completedFuture(7))));
            t.run();
            assertThat(events).containsExactly("t got 7");
            assertThat(other.isScheduled()).isTrue();
            Stackless.run();
        });
    }

    // issue 6: completion from another thread resumes the tasklet, on its own scheduler, while the others ran
    @SwitchingTest
    void completionFromAnotherThreadResumesTheTasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            Tasklet main = Stackless.main();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<String> f = new CompletableFuture<>();
            CountDownLatch waiting = new CountDownLatch(1);
            Tasklet t = Tasklet.spawn(() -> {
                events.add("t awaits");
                waiting.countDown();
                String v = Stackless.await(f);
                events.add("t got " + v);
                events.add("same scheduler " + (Stackless.main() == main));
            });
            Tasklet.spawn(() -> {
                for (int i = 0; i < 3; i++) {
                    events.add("busy" + i);
                    Stackless.schedule();
                }
            });
            Thread completer = new Thread(() -> {
                try {
                    waiting.await();
                    Thread.sleep(50);
                    events.add("completing");
                    f.complete("hello");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "completer");
            completer.start();
            Stackless.run();
            completer.join(10_000);
            assertThat(events).containsExactly("t awaits", "busy0", "busy1", "busy2", "completing", "t got hello",
                    "same scheduler true");
            assertThat(t.isAlive()).isFalse();
        });
    }

    // issue 6: exceptional completion throws the cause (unwrapped from CompletionException)
    @SwitchingTest
    void exceptionalCompletionThrowsTheCause() throws Throwable {
        Stackless.runAsMain(() -> {
            IOException boom = new IOException("boom");
            CompletableFuture<String> f = new CompletableFuture<>();
            List<Object> got = new ArrayList<>();
            Tasklet.spawn(() -> {
                try {
                    Stackless.await(f);
                    got.add("no exception");
                } catch (Exception e) {
                    got.add(e);
                }
            });
            // a dependent stage fails with a CompletionException wrapping boom
            CompletableFuture<String> g = f.thenApply(s -> s + "!");
            Tasklet.spawn(() -> {
                try {
                    Stackless.await(g);
                    got.add("no exception");
                } catch (Exception e) {
                    got.add(e);
                }
            });
            Stackless.schedule(); // both wait now
            new Thread(() -> f.completeExceptionally(boom)).start();
            Stackless.run();
            assertThat(got).containsExactly(boom, boom);
        });
    }

    // issue 6: a future that already failed throws its cause too (Stackless.await's contract: "unwrapped from CompletionException")
    @SwitchingTest
    void alreadyFailedFutureThrowsTheCause() throws Throwable {
        Stackless.runAsMain(() -> {
            IOException boom = new IOException("boom");
            assertThatThrownBy(() -> Stackless.await(CompletableFuture.failedFuture(boom))).isSameAs(boom);
        });
    }

    // issue 6: main awaits directly; a future completed by a tasklet of the same thread works too
    @SwitchingTest
    void mainAwaitsAFutureCompletedByATasklet() throws Throwable {
        Stackless.runAsMain(() -> {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            Tasklet.spawn(() -> {
                Stackless.schedule();
                f.complete(5);
            });
            long t0 = System.nanoTime();
            assertThat((Integer) Stackless.await(f)).isEqualTo(5);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
            assertThat(Stackless.current()).isSameAs(Stackless.main());
        });
    }
}
