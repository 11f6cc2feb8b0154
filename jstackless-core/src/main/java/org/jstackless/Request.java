package org.jstackless;

/**
 * An operation on a tasklet asked by a thread that does not own it (spec §9): carried out by the
 * owner thread when it drains its {@link Inbox}, after checking again that it still applies.
 */
record Request(Kind kind, Tasklet tasklet, Bomb bomb) {
    enum Kind {
        /** insert(): at the end of the owner's run queue. */
        INSERT,
        /** run(): right after the owner's current tasklet, so it runs next. */
        RUN,
        /** throwInto(…, pending) / kill(pending): the bomb, then insert. */
        THROW,
        /** remove(): out of the owner's run queue (not if it runs). */
        REMOVE
    }
}
