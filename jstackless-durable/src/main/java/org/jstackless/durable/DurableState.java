package org.jstackless.durable;

/** Where a durable tasklet stands, as of its last committed checkpoint. */
public enum DurableState {
    /** Runnable: resumes as soon as the runtime runs (after a checkpoint, a step, or a rendezvous). */
    RUNNABLE,
    /** In {@link Durable#sleep}: holds nothing in memory until its wake-up time. */
    SLEEPING,
    /** Blocked in {@link DurableChannel#send} until a receiver takes the value. */
    SENDING,
    /** Blocked in {@link DurableChannel#receive} until a sender comes. */
    RECEIVING,
    /** Its body returned; the result is kept until purged. */
    FINISHED,
    /** Its body threw; the error's text is kept until purged. */
    FAILED,
    /** Removed from the store (written by a purge; never reported for a live entry). */
    PURGED,
    /**
     * Suspended by an operator ({@link DurableRuntime#suspend}): kept at its last checkpoint, run by
     * nobody, across restarts, until {@link DurableRuntime#resume}. (Last, so stored ordinals stay.)
     */
    SUSPENDED;

    /** True for {@link #FINISHED} and {@link #FAILED}. */
    public boolean isDone() {
        return this == FINISHED || this == FAILED;
    }
}
