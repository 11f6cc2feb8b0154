package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.GreenletTestSupport.onMain;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.GeneratorTest.Node;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Strand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generators consumed by soft code (nested resume): the body runs on its consumer's stack, so a
 * soft tasklet or greenlet may call next(); under SOFT the body itself is a soft strand. Every test
 * runs once per mechanism; the SOFT run also checks that consumer and body really are soft.
 */
class SoftGeneratorTest {
    static List<Mechanism> mechanisms() {
        return GreenletTestSupport.mechanisms();
    }

    static Strand bodyStrand(Generator<?> g) {
        return g.coroutine().strand();
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void softTaskletBlocksOnAChannelBetweenNextCalls(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Channel<Integer> ch = new Channel<>();
            Tasklet[] consumer = new Tasklet[1];
            Generator<Integer> gen = Generator.of(y -> {
                for (int i = 1; i <= 3; i++) {
                    log.add("body in consumer=" + (Stackless.current() == consumer[0]));
                    y.yield(i * 10);
                }
            });
            consumer[0] = Tasklet.spawn(() -> {
                int sum = 0;
                while (gen.hasNext()) {
                    int v = gen.next();
                    if (m == Mechanism.SOFT) {
                        assertThat(bodyStrand(gen).isSoft()).isTrue();
                        assertThat(bodyStrand(gen).frameDepth()).isPositive(); // suspended body = heap frames
                    }
                    sum += v * ch.receive(); // the consumer blocks; the producer runs
                    log.add("sum " + sum);
                }
            });
            Tasklet producer = Tasklet.spawn(() -> {
                for (int k = 1; k <= 3; k++) {
                    log.add("send " + k);
                    ch.send(k);
                }
            });
            assertThat(consumer[0].isSoft()).isEqualTo(m == Mechanism.SOFT);
            Stackless.run();
            assertThat(consumer[0].isAlive()).isFalse();
            assertThat(producer.isAlive()).isFalse();
            assertThat(log).containsExactly("body in consumer=true", "send 1", "sum 10",
                    "body in consumer=true", "send 2", "sum 50", "body in consumer=true", "send 3", "sum 140");
            assertThat(gen.isFinished()).isTrue();
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void recursiveWovenTreeWalkAndNestedGeneratorsInASoftTasklet(Mechanism m) throws Exception {
        onMain(m, () -> {
            Node tree = Node.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            List<Integer> out = new ArrayList<>();
            List<Integer> nested = new ArrayList<>();
            List<Integer> depths = new ArrayList<>();
            int[] maxFrames = new int[1];
            Tasklet t = Tasklet.spawn(() -> {
                Generator<Integer> g = Generator.of(y -> GeneratorTest.walk(tree, y, depths, 0));
                while (g.hasNext()) {
                    out.add(g.next());
                    Strand s = bodyStrand(g);
                    if (s != null) {
                        maxFrames[0] = Math.max(maxFrames[0], s.frameDepth());
                    }
                    Stackless.schedule(); // between values the consumer switches as usual
                }
                GeneratorTest.walkGen(tree).forEachRemaining(nested::add); // generators in generator bodies
            });
            Tasklet other = Tasklet.spawn(() -> {
                for (int i = 0; i < 20; i++) {
                    Stackless.schedule();
                }
            });
            assertThat(t.isSoft()).isEqualTo(m == Mechanism.SOFT);
            Stackless.run();
            assertThat(t.isAlive()).isFalse();
            assertThat(other.isAlive()).isFalse();
            assertThat(out).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            assertThat(nested).isEqualTo(out);
            assertThat(depths).contains(3);
            if (m == Mechanism.SOFT) {
                // the body suspended at depth 3 of the walk: its woven frames were saved to the heap
                assertThat(maxFrames[0]).isGreaterThanOrEqualTo(5);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void generatorInsideGreenletInsideTasklet(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Tasklet[] t = new Tasklet[1];
            t[0] = Tasklet.spawn(() -> {
                Greenlet gmain = Greenlet.current();
                Greenlet gl = new Greenlet(a -> {
                    Greenlet me = Greenlet.current();
                    Generator<String> gen = Generator.of(y -> {
                        y.yield("a: tasklet=" + (Stackless.current() == t[0]) + " greenlet=" + (Greenlet.current() == me));
                        y.yield("b");
                    });
                    log.add(gen.next());
                    Object back = gmain.switchTo("paused"); // leave the greenlet between values
                    log.add("greenlet resumed with " + back);
                    log.add(gen.next());
                    log.add("has more " + gen.hasNext());
                    return "gl done";
                });
                log.add("tasklet got " + gl.switchTo());
                Stackless.schedule();
                log.add("tasklet got " + gl.switchTo("x"));
            });
            Tasklet.spawn(() -> log.add("other tasklet"));
            assertThat(t[0].isSoft()).isEqualTo(m == Mechanism.SOFT);
            Stackless.run();
            assertThat(log).containsExactly("a: tasklet=true greenlet=true", "tasklet got paused", "other tasklet",
                    "greenlet resumed with x", "b", "has more false", "tasklet got gl done");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void exceptionsAndCloseInASoftTasklet(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                Generator<Integer> bad = Generator.of(y -> {
                    y.yield(1);
                    throw new java.io.IOException("disk");
                });
                log.add("got " + bad.next());
                try {
                    bad.next();
                    log.add("not reached");
                } catch (Exception e) {
                    log.add("caught " + e);
                }
                log.add("bad finished " + bad.isFinished() + " hasNext " + bad.hasNext());
                Generator<Integer> g = Generator.of(y -> {
                    try {
                        for (int i = 0;; i++) {
                            y.yield(i);
                        }
                    } finally {
                        log.add("finally of g");
                    }
                });
                log.add("got " + g.next() + " " + g.next());
                Stackless.schedule(); // the suspended body stays suspended while others run
                g.close();
                log.add("closed, hasNext " + g.hasNext());
            });
            Tasklet.spawn(() -> log.add("other"));
            Stackless.run();
            assertThat(t.isAlive()).isFalse();
            assertThat(log).containsExactly("got 1", "caught java.io.IOException: disk", "bad finished true hasNext false",
                    "got 0 1", "other", "finally of g", "closed, hasNext false");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void createdInOneTaskletConsumedInAnother(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Channel<Generator<String>> ch = new Channel<>();
            Tasklet[] ts = new Tasklet[2];
            ts[0] = Tasklet.spawn(() -> {
                Generator<String> g = Generator.of(y -> {
                    for (int i = 0; i < 4; i++) {
                        y.yield("v" + i + " in t" + (Stackless.current() == ts[0] ? 1 : 2));
                    }
                });
                log.add(g.next());
                log.add(g.next());
                ch.send(g); // hand the half-consumed generator to the other tasklet
            });
            ts[1] = Tasklet.spawn(() -> {
                Generator<String> g = ch.receive();
                while (g.hasNext()) {
                    log.add(g.next());
                }
            });
            Stackless.run();
            assertThat(log).containsExactly("v0 in t1", "v1 in t1", "v2 in t2", "v3 in t2");
        });
    }

    /**
     * A body that switches tasklets suspends its consumer with it: works when the consumer is hard
     * (CONTINUATION, VIRTUAL_THREAD), refused with a named error under SOFT.
     */
    @ParameterizedTest
    @MethodSource("mechanisms")
    void bodyThatBlocksOnAChannel(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Channel<String> ch = new Channel<>();
            Tasklet[] consumer = new Tasklet[1];
            Generator<String> gen = Generator.of(y -> {
                for (int i = 0; i < 2; i++) {
                    String s = ch.receive(); // switches tasklets from inside the body
                    log.add("body in consumer=" + (Stackless.current() == consumer[0]));
                    y.yield(s.toUpperCase());
                }
            });
            consumer[0] = Tasklet.spawn(() -> {
                try {
                    for (String s : gen.asIterable()) {
                        log.add("got " + s);
                    }
                } catch (IllegalStateException e) {
                    log.add("refused: " + e.getMessage());
                }
            });
            Tasklet producer = Tasklet.spawn(() -> {
                ch.send("a");
                log.add("sent a");
                ch.send("b");
                log.add("sent b");
            });
            Stackless.run();
            assertThat(consumer[0].isAlive()).isFalse();
            if (m == Mechanism.SOFT) {
                assertThat(log).singleElement().asString().startsWith("refused: cannot switch away from inside a generator's body")
                        .contains("its consumer runs soft");
                assertThat(gen.isFinished()).isTrue(); // the error ended the body
                producer.kill(); // it waits on the channel for good
            } else {
                assertThat(log).containsExactly("body in consumer=true", "got A", "sent a", "body in consumer=true",
                        "got B", "sent b");
                assertThat(producer.isAlive()).isFalse();
            }
        });
    }

    /**
     * A hard consumer killed while its generator's body is blocked: the kill's TaskletExit is raised
     * inside the body (its finally runs) and reaches the consumer through next(), which must not
     * turn it into a value.
     */
    @ParameterizedTest
    @MethodSource("mechanisms")
    void killingAConsumerBlockedInsideTheBodyUnwindsBodyAndConsumer(Mechanism m) throws Exception {
        if (m == Mechanism.SOFT) {
            return; // a soft consumer's body cannot block (bodyThatBlocksOnAChannel)
        }
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Channel<String> ch = new Channel<>();
            Generator<String> gen = Generator.of(y -> {
                try {
                    y.yield(ch.receive());
                } finally {
                    log.add("body finally");
                }
            });
            Tasklet consumer = Tasklet.spawn(() -> {
                try {
                    log.add("got " + gen.next());
                } finally {
                    log.add("consumer finally");
                }
                log.add("not reached");
            });
            Stackless.run(); // the consumer blocks inside the body
            assertThat(consumer.isAlive()).isTrue();
            assertThat(ch.balance()).isEqualTo(-1);
            consumer.kill();
            assertThat(consumer.isAlive()).isFalse();
            assertThat(log).containsExactly("body finally", "consumer finally");
            assertThat(gen.isFinished()).isTrue();
            assertThat(ch.balance()).isZero();
        });
    }

    static void spin(java.util.concurrent.atomic.AtomicLong counter, long n) throws Suspendable {
        for (long i = 0; i < n; i++) {
            counter.incrementAndGet();
        }
    }

    /**
     * A timed run does not interrupt a soft consumer inside its generator's body (that switch would
     * have to unwind through next()): the interrupt waits for the body's yield and fires at the
     * consumer's next tick.
     */
    @ParameterizedTest
    @MethodSource("mechanisms")
    void preemptionWaitsUntilTheBodyYields(Mechanism m) throws Exception {
        if (m != Mechanism.SOFT) {
            return; // hard tasklets are not interrupted mid-code (PreemptionTest)
        }
        onMain(m, () -> {
            java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
            List<String> ev = new ArrayList<>();
            Generator<Long> gen = Generator.of(y -> {
                spin(count, 100_000); // far beyond the budget
                y.yield(count.get());
            });
            Tasklet t = Tasklet.spawn(() -> {
                ev.add("got " + gen.next());
                spin(count, 100_000);
                ev.add("end");
            });
            Tasklet victim = Stackless.run(50);
            assertThat(victim).isSameAs(t);
            assertThat(ev).containsExactly("got 100000");
            assertThat(count.get()).isBetween(100_000L, 199_999L);
            t.insert();
            Stackless.run();
            assertThat(ev).containsExactly("got 100000", "end");
            assertThat(count.get()).isEqualTo(200_000L);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void onlyTheInnermostRunningGeneratorMayYield(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Generator<Integer> outer = Generator.of(y -> {
                Generator<Integer> inner = Generator.of(z -> {
                    try {
                        y.yield(99); // the outer generator's yielder, from inside the inner body
                    } catch (IllegalStateException e) {
                        log.add(e.getMessage());
                    }
                    z.yield(1);
                });
                y.yield(inner.next() + 1);
            });
            assertThat(outer.next()).isEqualTo(2);
            assertThat(outer.hasNext()).isFalse();
            assertThat(log).singleElement().asString().startsWith("yield of a generator called from inside another");
        });
    }

    /** The thread's main code is never suspended, so a body it runs may switch under every mechanism. */
    @ParameterizedTest
    @MethodSource("mechanisms")
    void bodyConsumedByMainMaySchedule(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Tasklet.spawn(() -> {
                log.add("other 1");
                Stackless.schedule();
                log.add("other 2");
            });
            Generator<Integer> gen = Generator.of(y -> {
                for (int i = 0; i < 2; i++) {
                    Stackless.schedule(); // main (running this body) lets the other tasklet run
                    log.add("body " + i + " main=" + Stackless.current().isMain());
                    y.yield(i);
                }
            });
            gen.forEachRemaining(v -> log.add("main got " + v));
            assertThat(log).containsExactly("other 1", "body 0 main=true", "main got 0", "other 2",
                    "body 1 main=true", "main got 1");
            if (m == Mechanism.SOFT) {
                assertThat(gen.isFinished()).isTrue();
            }
        });
    }
}
