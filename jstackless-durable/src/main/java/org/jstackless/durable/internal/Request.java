package org.jstackless.durable.internal;

/**
 * What a durable tasklet asks the runtime for when it suspends. The request is the tasklet's
 * tempval while it is suspended, so it is in the tasklet's pickle: a checkpoint of a tasklet
 * blocked in a send holds the value being sent. The runtime answers with a {@link Resume}.
 */
public sealed interface Request {
    /** Checkpoint and go on. */
    record Checkpoint() implements Request {
    }

    /** Checkpoint with a step's result; the step then returns it, also after a crash. */
    record StepDone(Object result) implements Request {
    }

    /** Sleep {@code millis}; the runtime turns it into an absolute wake-up time. */
    record Sleep(long millis) implements Request {
    }

    /** Send {@code value} on the durable channel {@code channel}; blocks until received. */
    record Send(String channel, Object value) implements Request {
    }

    /** Receive from the durable channel {@code channel}. */
    record Receive(String channel) implements Request {
    }

    /**
     * Receive from {@code channel} as Stackless's {@code next(channel)}: if the channel is closing
     * and no sender waits, the call ends the iteration (NoSuchElementException) instead.
     */
    record Next(String channel) implements Request {
    }

    /** Close ({@code open} false) or open again ({@code open} true) durable channel {@code channel}, in this tasklet's next commit. */
    record Close(String channel, boolean open) implements Request {
    }

    /** Start durable tasklet {@code id} running {@code body}, in this tasklet's next commit. */
    record Start(String id, org.jstackless.TaskletBody body) implements Request {
    }

    /** The body ended: with {@code result}, or threw (then {@code error} is its text). */
    record Finish(Object result, String error) implements Request {
    }

    /** The value of a {@code sendException}: the receiver's receive throws with {@code message}. */
    record Raise(String message) {
    }
}
