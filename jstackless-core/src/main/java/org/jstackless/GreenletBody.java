package org.jstackless;

/**
 * The {@code run} function of a {@link Greenlet}: called with the arguments of the first
 * {@link Greenlet#switchTo switchTo}; its return value is delivered to the greenlet's parent.
 */
@FunctionalInterface
public interface GreenletBody extends java.io.Serializable {
    /** Runs the greenlet; what it returns becomes the result of the parent's pending switch. */
    Object run(Object... args) throws Suspendable, Exception;
}
