package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jstackless.GreenletTestSupport.onMain;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.internal.switching.Mechanism;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concepts on different groups coexist: tasklets (the scheduler's group), greenlets, generators
 * and plain coroutine groups interleave on one thread without seeing each other's switches.
 */
class MixedConceptsTest {
    static List<Mechanism> mechanisms() {
        return GreenletTestSupport.mechanisms();
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void generatorConsumedByATaskletThatBlocksOnAChannelBetweenValues(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Channel<String> ch = new Channel<>();
            Generator<Integer> gen = Generator.of(y -> {
                for (int i = 1; i <= 3; i++) {
                    log.add("gen yields " + i);
                    y.yield(i);
                }
                log.add("gen ends");
            });
            Tasklet consumer = Tasklet.spawn(() -> {
                while (gen.hasNext()) {
                    int v = gen.next();
                    log.add("consumer got " + v);
                    String msg = ch.receive(); // blocks: the producer tasklet runs meanwhile
                    log.add("consumer received " + msg);
                }
                log.add("consumer done");
            });
            Tasklet producer = Tasklet.spawn(() -> {
                for (String s : List.of("x", "y", "z")) {
                    log.add("producer sends " + s);
                    ch.send(s);
                }
                log.add("producer done");
            });
            Stackless.run();
            assertThat(consumer.isAlive()).isFalse();
            assertThat(producer.isAlive()).isFalse();
            assertThat(log).containsExactly(
                    "gen yields 1", "consumer got 1",
                    "producer sends x", "consumer received x",
                    "gen yields 2", "consumer got 2",
                    "producer sends y", "consumer received y",
                    "gen yields 3", "consumer got 3",
                    "producer sends z", "consumer received z",
                    "gen ends", "consumer done", "producer done");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void greenletsSwitchInsideTaskletsWhileOtherTaskletsRun(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Tasklet[] ts = new Tasklet[2];
            ts[0] = Tasklet.spawn(() -> {
                Greenlet main = Greenlet.current();
                Greenlet ping = new Greenlet(a -> {
                    Object v = a[0];
                    for (int i = 0; i < 2; i++) {
                        log.add("ping " + v + " in t1=" + (Stackless.current() == ts[0]));
                        v = main.switchTo("pong-me");
                    }
                    return "ping done";
                });
                log.add("t1 " + ping.switchTo(0));
                Stackless.schedule(); // other tasklets run; the greenlet group stays at main
                log.add("t1 " + ping.switchTo(1));
                Stackless.schedule();
                log.add("t1 " + ping.switchTo(2));
            });
            ts[1] = Tasklet.spawn(() -> {
                Greenlet h = new Greenlet(a -> {
                    log.add("h in t2=" + (Stackless.current() == ts[1]));
                    return "h done";
                });
                log.add("t2 " + h.switchTo());
                Stackless.schedule();
                log.add("t2 again, greenlet main current=" + Greenlet.current().isMain());
            });
            Stackless.run();
            assertThat(log).containsExactly(
                    "ping 0 in t1=true", "t1 pong-me",
                    "h in t2=true", "t2 h done",
                    "ping 1 in t1=true", "t1 pong-me",
                    "t2 again, greenlet main current=true",
                    "t1 ping done");
            assertThat(Greenlet.current().isMain()).isTrue();
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void threeConceptsNestedGreenletConsumesGeneratorInsideTasklet(Mechanism m) throws Exception {
        onMain(m, () -> {
            // The generator's body leaves a coroutine group, which suspends its consumer (the
            // greenlet) through next(): that needs a hard consumer and body. Under SOFT the
            // scenario runs with both created hard (the fix the refusal names, tested in
            // GeneratorTest); the tasklet and the coroutine stay soft.
            List<String> log = new ArrayList<>();
            Group g = new Group("mine");
            Coroutine co = new Coroutine(g).bind(() -> {
                boolean softWas = Stackless.enableSoftSwitch(false);
                try {
                    Generator<String> gen = Generator.of(y -> {
                        y.yield("a");
                        g.main().switchTo(); // leave the user group from deep inside a generator
                        y.yield("b");
                    });
                    Greenlet gl = new Greenlet(a -> {
                        log.add("greenlet got " + gen.next());
                        log.add("greenlet got " + gen.next());
                        return null;
                    });
                    gl.switchTo(); // a greenlet's strand is made at its first switch
                } finally {
                    Stackless.enableSoftSwitch(softWas);
                }
                log.add("co ends");
            });
            Tasklet t = Tasklet.spawn(() -> {
                co.switchTo();
                log.add("tasklet back from co; current co is main=" + g.current().isMain());
                Stackless.schedule();
                co.switchTo();
                log.add("tasklet done");
            });
            Tasklet.spawn(() -> log.add("other tasklet"));
            Stackless.run();
            assertThat(t.isAlive()).isFalse();
            assertThat(log).containsExactly("greenlet got a", "tasklet back from co; current co is main=true",
                    "other tasklet", "greenlet got b", "co ends", "tasklet done");
        });
    }

    // A tasklet that blocks while one of its greenlets runs is resumed in that greenlet.
    @ParameterizedTest
    @MethodSource("mechanisms")
    void taskletBlocksOnAChannelFromInsideAGreenlet(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Channel<String> ch = new Channel<>();
            Tasklet receiver = Tasklet.spawn(() -> {
                Greenlet g = new Greenlet(a -> {
                    log.add("greenlet receives");
                    String v = ch.receive(); // the tasklet blocks with the greenlet running
                    log.add("greenlet got " + v);
                    return v + "!";
                });
                log.add("tasklet got " + g.switchTo());
            });
            Tasklet.spawn(() -> {
                log.add("sender sends");
                ch.send("hi");
                log.add("sender done");
            });
            Stackless.run();
            assertThat(receiver.isAlive()).isFalse();
            assertThat(log).containsExactly("greenlet receives", "sender sends", "greenlet got hi",
                    "tasklet got hi!", "sender done");
        });
    }
}
