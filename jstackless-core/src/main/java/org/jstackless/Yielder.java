package org.jstackless;

/**
 * The generator side of a {@link Generator}: {@link #yield} hands a value to the consumer and
 * suspends the generator until the consumer asks for the next one. It may be called from methods
 * nested at any depth inside the body (a recursive tree walk), but only while the generator runs.
 */
@FunctionalInterface
public interface Yielder<T> {
    /**
     * Hands {@code value} to the consumer's pending {@code next()} and suspends until the next
     * request. If the generator is closed meanwhile, this raises an internal {@link Error} that
     * unwinds the body through its finally blocks; do not swallow it.
     */
    void yield(T value) throws Suspendable;
}
