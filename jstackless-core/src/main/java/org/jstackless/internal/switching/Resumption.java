package org.jstackless.internal.switching;

/**
 * What a suspending operation computes once its strand is resumed: for a tasklet, claiming the
 * mailbox (and exploding a bomb in it). A hard strand calls it right after its stack comes back;
 * a soft strand keeps it and the woven caller's frame calls it when it is re-entered, so one
 * suspending primitive serves both mechanisms. Implementations are shared constants: a switch
 * allocates nothing.
 */
@FunctionalInterface
public interface Resumption {
    /** Returns the suspending call's result, or throws the exception it must raise. */
    Object resumed();
}
