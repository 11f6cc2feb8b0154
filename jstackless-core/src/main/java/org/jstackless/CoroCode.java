package org.jstackless;

/**
 * What a coroutine's strand runs: the concept's view of the body. It receives the start value the
 * first switch delivered (the greenlet's arguments, or null) and returns the value handed to the
 * parent when it ends.
 */
@FunctionalInterface
interface CoroCode {
    Object run(Object start) throws Suspendable, Exception;
}
