package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.GreenletTestSupport.onMain;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.internal.switching.Mechanism;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generators built out of greenlets ("genlets"), ported from greenlet's
 * {@code src/greenlet/tests/test_generator.py} and {@code test_generator_nested.py}: the parent
 * chain, re-parenting on every {@code next} and switching with values are enough to build nested
 * generators, including yields that skip a level.
 */
class GreenletGeneratorTest {
    static List<Mechanism> mechanisms() {
        return GreenletTestSupport.mechanisms();
    }

    static final Object END = new Object();

    @FunctionalInterface
    interface Fn {
        void run(Object... args) throws Suspendable, Exception;
    }

    /** A greenlet that is its own iterator: each {@link #next()} re-parents it to the caller. */
    static final class Genlet extends Greenlet {
        private final Fn fn;
        private final Object[] args;
        Genlet child;

        Genlet(Fn fn, Object... args) {
            this.fn = fn;
            this.args = args;
        }

        @Override
        protected Object run(Object... ignored) throws Suspendable, Exception {
            fn.run(args);
            return null;
        }

        /** The next value, or {@link #END}. */
        Object next() throws Suspendable {
            Object result;
            if (child != null) {
                Genlet c = child;
                while (c.child != null) {
                    Genlet tmp = c;
                    c = c.child;
                    tmp.child = null;
                }
                result = c.switchTo();
            } else {
                setParent(Greenlet.current());
                result = switchTo();
            }
            return isActive() ? result : END;
        }

        List<Object> toList() throws Suspendable {
            List<Object> l = new ArrayList<>();
            for (Object v = next(); v != END; v = next()) {
                l.add(v);
            }
            return l;
        }
    }

    /** Yield(value, level): hand a value to the consumer {@code level} genlets up. */
    static void yieldUp(Object value, int level) throws Suspendable {
        Greenlet g = Greenlet.current();
        while (level != 0) {
            if (!(g instanceof Genlet gl)) {
                throw new IllegalStateException("yield outside a genlet");
            }
            if (level > 1) {
                ((Genlet) gl.parent()).child = gl;
            }
            g = g.parent();
            level--;
        }
        g.switchTo(value);
    }

    static void yieldUp(Object value) throws Suspendable {
        yieldUp(value, 1);
    }

    // ---------------------------------------------------------------- test_generator.py

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_generator(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<Object> seen = new ArrayList<>();
            Fn g = a -> {
                for (int i = 0; i < (Integer) a[0]; i++) {
                    seen.add(i);
                    yieldUp(i);
                }
            };
            for (int k = 0; k < 3; k++) {
                Genlet gen = new Genlet(g, 5);
                for (Object j = gen.next(); j != END; j = gen.next()) {
                    seen.add(j);
                }
            }
            List<Object> once = List.of(0, 0, 1, 1, 2, 2, 3, 3, 4, 4);
            List<Object> expected = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                expected.addAll(once);
            }
            assertThat(seen).isEqualTo(expected);
        });
    }

    // ---------------------------------------------------------------- test_generator_nested.py

    static void nested(Object i) throws Suspendable {
        yieldUp(i);
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_genlet_simple(Mechanism m) throws Exception {
        onMain(m, () -> {
            Fn g2 = a -> {
                @SuppressWarnings("unchecked")
                List<Object> seen = (List<Object>) a[1];
                for (int i = 0; i < (Integer) a[0]; i++) {
                    seen.add(i + 1);
                    yieldUp(i);
                }
            };
            Fn g3 = a -> {
                @SuppressWarnings("unchecked")
                List<Object> seen = (List<Object>) a[1];
                for (int i = 0; i < (Integer) a[0]; i++) {
                    seen.add(i + 1);
                    nested(i);
                }
            };
            for (Fn g : List.of(g2, g3)) {
                List<Object> seen = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                    Genlet gen = new Genlet(g, 5, seen);
                    for (Object j = gen.next(); j != END; j = gen.next()) {
                        seen.add(j);
                    }
                }
                List<Object> expected = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                    expected.addAll(List.of(1, 0, 2, 1, 3, 2, 4, 3, 5, 4));
                }
                assertThat(seen).isEqualTo(expected);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_genlet_bad(Mechanism m) throws Exception {
        onMain(m, () -> assertThatThrownBy(() -> yieldUp(10)).isInstanceOf(IllegalStateException.class)
                .hasMessage("yield outside a genlet"));
    }

    static void ax(Object... a) throws Suspendable {
        int n = (Integer) a[0];
        if (n == 0) {
            return;
        }
        Genlet inner = new Genlet(GreenletGeneratorTest::ax, n - 1);
        for (Object ii = inner.next(); ii != END; ii = inner.next()) {
            yieldUp(ii);
        }
        yieldUp(n);
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_nested_genlets(Mechanism m) throws Exception {
        onMain(m, () -> assertThat(new Genlet(GreenletGeneratorTest::ax, 5).toList()).containsExactly(1, 2, 3, 4, 5));
    }

    static void perms(Object... a) throws Suspendable {
        @SuppressWarnings("unchecked")
        List<Integer> l = (List<Integer>) a[0];
        if (l.size() > 1) {
            for (Integer e : l) {
                List<Integer> rest = new ArrayList<>(l);
                rest.remove(e);
                Genlet sub = new Genlet(GreenletGeneratorTest::perms, rest);
                for (Object p = sub.next(); p != END; p = sub.next()) {
                    @SuppressWarnings("unchecked")
                    List<Integer> tail = (List<Integer>) p;
                    List<Integer> perm = new ArrayList<>();
                    perm.add(e);
                    perm.addAll(tail);
                    yieldUp(perm);
                }
            }
        } else {
            yieldUp(l);
        }
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_permutations(Mechanism m) throws Exception {
        onMain(m, () -> {
            List<Object> perms = new Genlet(GreenletGeneratorTest::perms, List.of(0, 1, 2, 3)).toList();
            assertThat(perms).hasSize(24).contains(List.of(0, 1, 2, 3), List.of(3, 2, 1, 0));
            Genlet a = new Genlet(GreenletGeneratorTest::perms, List.of(0, 1, 2, 3));
            Genlet b = new Genlet(GreenletGeneratorTest::perms, List.of(0, 1, 2));
            List<String> zipped = new ArrayList<>();
            for (;;) {
                Object x = a.next();
                Object y = b.next();
                if (x == END || y == END) {
                    break;
                }
                zipped.add(x + "|" + y);
            }
            assertThat(zipped).containsExactly("[0, 1, 2, 3]|[0, 1, 2]", "[0, 1, 3, 2]|[0, 2, 1]",
                    "[0, 2, 1, 3]|[1, 0, 2]", "[0, 2, 3, 1]|[1, 2, 0]", "[0, 3, 1, 2]|[2, 0, 1]",
                    "[0, 3, 2, 1]|[2, 1, 0]");
        });
    }

    @ParameterizedTest
    @MethodSource("mechanisms")
    void test_layered_genlets(Mechanism m) throws Exception {
        onMain(m, () -> {
            Fn gr1 = a -> {
                for (int ii = 1; ii < (Integer) a[0]; ii++) {
                    yieldUp(ii);
                    yieldUp(ii * ii, 2);
                }
            };
            List<Object> seen = new ArrayList<>();
            Fn gr2 = a -> {
                Genlet inner = new Genlet(gr1, a[0]);
                for (Object ii = inner.next(); ii != END; ii = inner.next()) {
                    seen.add(ii);
                }
            };
            Genlet outer = new Genlet(gr2, 5);
            for (Object ii = outer.next(); ii != END; ii = outer.next()) {
                seen.add(ii);
            }
            assertThat(seen).containsExactly(1, 1, 2, 4, 3, 9, 4, 16);
        });
    }
}
