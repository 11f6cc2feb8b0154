package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.GreenletTestSupport.onMain;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.jstackless.internal.switching.Mechanism;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Generator}: iteration, yields from nested calls, close(), exceptions at next(), nesting. */
class GeneratorTest {
    static List<Mechanism> mechanisms() {
        return GreenletTestSupport.mechanisms();
    }

    /** A binary tree for the recursive walk. */
    record Node(int value, Node left, Node right) {
        static Node of(int... sorted) {
            return build(sorted, 0, sorted.length - 1);
        }

        private static Node build(int[] a, int lo, int hi) {
            if (lo > hi) {
                return null;
            }
            int mid = (lo + hi) >>> 1;
            return new Node(a[mid], build(a, lo, mid - 1), build(a, mid + 1, hi));
        }
    }

    /** In-order walk that yields from whatever depth it has reached: no generator per level. */
    static void walk(Node n, Yielder<Integer> y, List<Integer> depths, int depth) throws Suspendable {
        if (n == null) {
            return;
        }
        walk(n.left(), y, depths, depth + 1);
        depths.add(depth);
        y.yield(n.value());
        walk(n.right(), y, depths, depth + 1);
    }

    /** The same walk as one generator per level, each consuming its children's generators. */
    static Generator<Integer> walkGen(Node n) {
        return Generator.of(y -> {
            if (n == null) {
                return;
            }
            for (int v : walkGen(n.left()).asIterable()) {
                y.yield(v);
            }
            y.yield(n.value());
            for (int v : walkGen(n.right()).asIterable()) {
                y.yield(v);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void iteratesLazilyInOrder(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Generator<Integer> g = Generator.of(y -> {
                for (int i = 0; i < 3; i++) {
                    log.add("yield " + i);
                    y.yield(i);
                }
                log.add("end");
            });
            assertThat(log).isEmpty(); // nothing runs before the first request
            while (g.hasNext()) {
                log.add("got " + g.next());
            }
            assertThat(log).containsExactly("yield 0", "got 0", "yield 1", "got 1", "yield 2", "got 2", "end");
            assertThat(g.isFinished()).isTrue();
            assertThat(g.hasNext()).isFalse();
            assertThatThrownBy(g::next).isInstanceOf(NoSuchElementException.class);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void forEachThroughIterableHelpersAndNullValues(Mechanism m) throws Exception {
        onMain(m, () -> {
            Iterable<String> it = Generator.iterable(y -> {
                y.yield("a");
                y.yield(null);
                y.yield("c");
            });
            List<String> out = new ArrayList<>();
            for (String s : it) {
                out.add(s);
            }
            for (String s : it) { // every iterator() is a fresh generator
                out.add(s);
            }
            assertThat(out).containsExactly("a", null, "c", "a", null, "c");
            List<Integer> one = new ArrayList<>();
            for (int v : Generator.<Integer>of(y -> y.yield(9)).asIterable()) {
                one.add(v);
            }
            assertThat(one).containsExactly(9);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void recursiveTreeWalkYieldsFromNestedCalls(Mechanism m) throws Exception {
        onMain(m, () -> {
            Node tree = Node.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
            List<Integer> depths = new ArrayList<>();
            List<Integer> out = new ArrayList<>();
            for (int v : Generator.<Integer>iterable(y -> walk(tree, y, depths, 0))) {
                out.add(v);
            }
            assertThat(out).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
            assertThat(depths).contains(3).contains(0); // yields came from depth 0 up to depth 3
            List<Integer> nested = new ArrayList<>();
            walkGen(tree).forEachRemaining(nested::add);
            assertThat(nested).isEqualTo(out);
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void closeRunsFinallyBlocksOfASuspendedBody(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Generator<Integer> g = Generator.of(y -> {
                try {
                    try {
                        y.yield(1);
                        y.yield(2);
                        log.add("not reached");
                    } finally {
                        log.add("inner finally");
                    }
                } finally {
                    log.add("outer finally");
                }
            });
            assertThat(g.next()).isEqualTo(1);
            g.close();
            assertThat(log).containsExactly("inner finally", "outer finally");
            assertThat(g.hasNext()).isFalse();
            g.close(); // idempotent
            assertThat(log).hasSize(2);
            // try-with-resources closes an unfinished generator
            try (Generator<Integer> h = Generator.of(y -> {
                try {
                    y.yield(5);
                } finally {
                    log.add("h finally");
                }
            })) {
                assertThat(h.next()).isEqualTo(5);
            }
            assertThat(log).endsWith("h finally");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void closeOfAnUnstartedGeneratorNeverRunsItAndIgnoringCloseIsReported(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<String> log = new ArrayList<>();
            Generator<Integer> g = Generator.of(y -> log.add("ran"));
            g.close();
            assertThat(g.hasNext()).isFalse();
            assertThat(log).isEmpty();
            Generator<Integer> stubborn = Generator.of(y -> {
                try {
                    y.yield(1);
                } catch (Throwable t) {
                    y.yield(2); // swallows the exit and yields again
                }
            });
            stubborn.next();
            assertThatThrownBy(stubborn::close).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ignored close()");
            Generator<Integer> raising = Generator.of(y -> {
                try {
                    y.yield(1);
                } finally {
                    throw new ArithmeticException("in finally");
                }
            });
            raising.next();
            assertThatThrownBy(raising::close).isInstanceOf(ArithmeticException.class).hasMessage("in finally");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void exceptionsOfTheBodySurfaceAtNextAndHasNextOnce(Mechanism m) throws Exception {
        onMain(m, () -> {
            Generator<Integer> g = Generator.of(y -> {
                y.yield(1);
                throw new IllegalArgumentException("bad input");
            });
            assertThat(g.next()).isEqualTo(1);
            assertThatThrownBy(g::next).isInstanceOf(IllegalArgumentException.class).hasMessage("bad input");
            assertThat(g.hasNext()).isFalse();
            Generator<Integer> checked = Generator.of(y -> {
                throw new java.io.IOException("disk");
            });
            assertThatThrownBy(checked::hasNext).isInstanceOf(java.io.IOException.class).hasMessage("disk");
            assertThat(checked.isFinished()).isTrue();
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void misuse(Mechanism m) throws Exception {
        onMain(m, () -> {
            Yielder<Integer>[] leaked = new Yielder[1];
            Generator<Integer>[] self = new Generator[1];
            List<String> log = new ArrayList<>();
            self[0] = Generator.of(y -> {
                leaked[0] = y;
                try {
                    self[0].next();
                } catch (IllegalStateException e) {
                    log.add(e.getMessage());
                }
                y.yield(1);
            });
            assertThat(self[0].next()).isEqualTo(1);
            assertThat(log).containsExactly("generator already executing: next() or close() called from its own body");
            assertThatThrownBy(() -> leaked[0].yield(2)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("yield called outside its generator's body");
            assertThatThrownBy(() -> Generator.of(null)).isInstanceOf(NullPointerException.class);
        });
    }

    /** A greenlet consumes a generator whose body switches greenlets: it suspends its consumer with it. */
    static void greenletSwitchInsideGeneratorBody() throws Suspendable {
        List<String> log = new ArrayList<>();
        Greenlet main = Greenlet.current();
        Generator<Integer> gen = Generator.of(y -> {
            y.yield(1);
            // the body switches greenlets: it runs as part of greenlet g now
            log.add("gen body sees greenlet " + (Greenlet.current() == main ? "main" : "g"));
            Object v = main.switchTo("from inside the generator");
            log.add("gen body resumed with " + v);
            y.yield(2);
        });
        Greenlet g = new Greenlet(a -> {
            log.add("g got " + gen.next());
            log.add("g got " + gen.next());
            return "g done";
        });
        assertThat(g.switchTo()).isEqualTo("from inside the generator");
        assertThat(g.switchTo("hello")).isEqualTo("g done");
        assertThat(log).containsExactly("g got 1", "gen body sees greenlet g", "gen body resumed with hello",
                "g got 2");
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void generatorsInsideGreenletsAndGreenletsInsideGenerators(Mechanism m) throws Exception {
        onMain(m, () -> {
            if (m != Mechanism.SOFT) {
                greenletSwitchInsideGeneratorBody();
                return;
            }
            // Soft: the greenlet cannot be suspended through its plain next() frame; refused, named.
            assertThatThrownBy(GeneratorTest::greenletSwitchInsideGeneratorBody)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot switch away from inside a generator's body")
                    .hasMessageContaining("its consumer runs soft").hasMessageContaining("enableSoftSwitch(false)");
            // The fix the message names: consumer and generator created hard.
            boolean softWas = Stackless.enableSoftSwitch(false);
            try {
                greenletSwitchInsideGeneratorBody();
            } finally {
                Stackless.enableSoftSwitch(softWas);
            }
        });
    }
}
