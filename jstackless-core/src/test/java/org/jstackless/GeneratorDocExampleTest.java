package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example quoted by docs/generators.md; runnable with {@link #main}, checked by the test. */
class GeneratorDocExampleTest {
    // --- quoted: begin
    record Tree(String label, List<Tree> children) {
        Tree(String label, Tree... children) {
            this(label, List.of(children));
        }
    }

    /** Pre-order walk: yields from whatever recursion depth it is at. */
    static void walk(Tree t, String indent, Yielder<String> y) throws Suspendable {
        y.yield(indent + t.label());
        for (Tree c : t.children()) {
            walk(c, indent + "  ", y);
        }
    }

    static List<String> example() throws Exception {
        List<String> out = new ArrayList<>();
        Tree tree = new Tree("root", new Tree("a", new Tree("a1"), new Tree("a2")), new Tree("b"));
        Stackless.runAsMain(() -> {
            for (String line : Generator.<String>iterable(y -> walk(tree, "", y))) {
                out.add(line);
            }
            try (Generator<Integer> counter = Generator.of(y -> {
                try {
                    for (int i = 0; ; i++) {
                        y.yield(i);                       // an endless generator
                    }
                } finally {
                    out.add("counter closed");            // close() runs this
                }
            })) {
                out.add("first two: " + counter.next() + ", " + counter.next());
            }
        });
        return out;
    }
    // --- quoted: end

    public static void main(String[] args) throws Exception {
        example().forEach(System.out::println);
    }

    @Test
    void theDocumentedOutputIsWhatItPrints() throws Exception {
        assertThat(example()).containsExactly("root", "  a", "    a1", "    a2", "  b", "first two: 0, 1",
                "counter closed");
    }
}
