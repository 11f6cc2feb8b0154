package org.jstackless.examples;

/**
 * The README's demo, what {@code ./jstackless demo} runs: the seed's pickling demo. A tasklet
 * recursing 14 levels is suspended at the bottom, pickled to a file, and resumed in a second JVM,
 * which prints the "leave level" half of the recursion.
 */
public final class Main {
    private Main() {
    }

    /** Runs the pickling demo (both JVMs). */
    public static void main(String[] args) throws Exception {
        PickleDemo.main(args);
    }
}
