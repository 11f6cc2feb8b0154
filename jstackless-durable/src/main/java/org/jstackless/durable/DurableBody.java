package org.jstackless.durable;

import java.io.Serializable;
import org.jstackless.Suspendable;

/**
 * The body of a durable tasklet: it is pickled with the tasklet, so it is a serializable lambda or
 * method reference (or an allowed record) and its captured values are picklable. A method reference
 * to a method returning a primitive ({@code Jobs::count} of an {@code int count()}) works too: the
 * boxing adapter between the body and the method has no frame, and the pickle check accepts the boxed
 * value it stands for.
 *
 * @param <T> the result, kept by the store when the body returns
 */
@FunctionalInterface
public interface DurableBody<T> extends Serializable {
    /** Runs the durable work; suspends through {@link Durable} and {@link DurableChannel}. */
    T run() throws Suspendable, Exception;
}
