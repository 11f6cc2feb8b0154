package org.jstackless.observe;

/** What a tasklet is doing at the moment of a {@link TaskletDump}. */
public enum TaskletState {
    /** Running on its scheduler's thread now. */
    RUNNING,
    /** In the run queue, waiting for its turn. */
    SCHEDULED,
    /** Blocked in {@code Channel.send}: no receiver yet. */
    BLOCKED_SENDING,
    /** Blocked in {@code Channel.receive}: no sender yet. */
    BLOCKED_RECEIVING,
    /** Waiting for a {@code Stackless.blocking} call (queued for a permit or running on the pool). */
    BLOCKING,
    /** In {@code Stackless.sleep}. */
    SLEEPING,
    /** In {@code Stackless.await}, waiting for a future (I/O and the like). */
    AWAITING,
    /** Alive in no queue: removed, switched away from, or (main, a watchdog) inside {@code Stackless.run}. */
    PAUSED
}
