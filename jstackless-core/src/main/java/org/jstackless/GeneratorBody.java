package org.jstackless;

/**
 * The code of a {@link Generator}: produces values by calling {@link Yielder#yield} any number of
 * times, from any depth of nested calls. Returning ends the sequence; throwing ends it too, and the
 * exception surfaces at the consumer's {@code next()}/{@code hasNext()}.
 */
@FunctionalInterface
public interface GeneratorBody<T> extends java.io.Serializable {
    /** Runs the generator, handing each value to {@code y}. */
    void run(Yielder<T> y) throws Suspendable, Exception;
}
