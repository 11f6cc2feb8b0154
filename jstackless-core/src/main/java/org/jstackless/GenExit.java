package org.jstackless;

/**
 * Python's {@code GeneratorExit}: thrown out of {@link Yielder#yield} into a suspended generator by
 * {@link Generator#close()}, so that the body's finally blocks run. The body must let it pass.
 */
final class GenExit extends Error {
    private static final long serialVersionUID = 1L;

    GenExit() {
        super("generator closed", null, false, false);
    }
}
