package org.jstackless.durable.internal;

/**
 * The runtime's answer to a {@link Request}: the value the suspending call returns, or (only in
 * memory, never pickled: the tasklet resumes at once) an error it throws.
 *
 * @param value what the call returns
 * @param error thrown by the call instead, when not null
 */
public record Resume(Object value, RuntimeException error) {
    /** A normal answer. */
    public static Resume of(Object value) {
        return new Resume(value, null);
    }

    /** The answer that cancels the tasklet: its suspending call raises TaskletExit (pickles: it is a plain record). */
    public static Resume cancel() {
        return new Resume(new Cancel(), null);
    }

    /** True for {@link #cancel()}. */
    public boolean cancels() {
        return value instanceof Cancel;
    }

    /** The marker value of a cancelling answer. */
    public record Cancel() {
    }
}
