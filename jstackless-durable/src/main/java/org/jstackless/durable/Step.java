package org.jstackless.durable;

/**
 * A call made once by {@link Durable#step}: its result is recorded in the durable tasklet's
 * checkpoint. It does not suspend.
 *
 * @param <T> the result (picklable: recorded in the checkpoint)
 */
@FunctionalInterface
public interface Step<T> {
    /** Does the work (I/O, a call to another system). */
    T call() throws Exception;
}
