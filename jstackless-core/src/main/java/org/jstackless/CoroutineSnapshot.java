package org.jstackless;

import org.jstackless.internal.soft.Frame;

/**
 * What pickling reads of a coroutine-based concept (a greenlet, a generator), taken at once by
 * {@link Coroutine#snapshot}: the pickle codecs ({@link CoroutineCodec}) decide from it alone and
 * never read a coroutine's fields.
 *
 * @param phase   where the coroutine is in its life, as far as pickling cares
 * @param frames  its saved soft frames, outermost first, when {@link Phase#SUSPENDED}; else empty
 * @param parent  the object its parent pickles as (the concept says which: a greenlet's parent
 *                greenlet), or null when it has none the concept can pickle
 * @param mailbox the value its pending switch will return (a suspended greenlet's)
 * @param body    its code before it starts (a greenlet's run function, a generator's body)
 */
record CoroutineSnapshot(Phase phase, Frame[] frames, Object parent, Object mailbox, Object body) {
    /** A coroutine's phase for pickling. */
    enum Phase {
        /** The main coroutine of its group (a thread's main greenlet). */
        MAIN,
        /** Not bound to code. */
        UNBOUND,
        /** Bound to code, not started. */
        BOUND,
        /** The current coroutine of its group. */
        RUNNING,
        /** Ended. */
        DEAD,
        /** Started and suspended, on a hard strand (a JDK continuation or a thread). */
        HARD,
        /** Started and soft, but suspended in something other than its group's switch (a tasklet operation made inside it). */
        ELSEWHERE,
        /** Started, soft, suspended in its group's switch: {@link #frames} are its frames. */
        SUSPENDED
    }
}
