package org.jstackless.durable;

import java.io.Serializable;
import org.jstackless.Suspendable;

/**
 * The body of a durable tasklet: it is pickled with the tasklet, so it is a serializable lambda
 * (or an allowed record) and its captured values are picklable. Use a lambda ({@code () -> work()})
 * rather than a method reference to a method returning a primitive ({@code Jobs::count} of an
 * {@code int count()}): the boxing adapter has no frame of its own, and such a checkpoint is refused
 * when it is loaded again (the pickle check sees an {@code int} call where {@code Object} is returned).
 *
 * @param <T> the result, kept by the store when the body returns
 */
@FunctionalInterface
public interface DurableBody<T> extends Serializable {
    /** Runs the durable work; suspends through {@link Durable} and {@link DurableChannel}. */
    T run() throws Suspendable, Exception;
}
