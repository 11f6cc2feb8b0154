package org.jstackless.durable;

import java.time.Duration;
import java.util.Objects;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.TaskletBody;
import org.jstackless.TaskletExit;
import org.jstackless.durable.internal.Engine;
import org.jstackless.durable.internal.Request;
import org.jstackless.durable.internal.Resume;

/**
 * What a durable tasklet calls: each method suspends the tasklet, has the runtime commit its
 * checkpoint to the store, and returns once the checkpoint is durable. Work done between two of
 * these calls runs again if the process dies before the next one commits (docs/durable.md).
 * Called from anything but a durable tasklet of a running {@link DurableRuntime}, they throw an
 * {@link IllegalStateException}.
 */
public final class Durable {
    /** The detail of a FAILED tasklet that was cancelled (or killed with TaskletExit). */
    public static final String CANCELLED = "cancelled";
    /**
     * The detail of a RUNNABLE tasklet cancelled through the store (by another node, or the command
     * line): the next runtime that loads it raises TaskletExit in it.
     */
    public static final String CANCELLING = "cancelling";

    private Durable() {
    }

    /** Commits a checkpoint: after a crash, the tasklet resumes here. */
    public static void checkpoint() throws Suspendable {
        request(new Request.Checkpoint());
    }

    /**
     * A durable timer: sleeps {@code d} of the runtime's clock. The tasklet is checkpointed and
     * dropped from memory until its wake-up time, which survives restarts (a restart after it
     * wakes the tasklet at once).
     */
    public static void sleep(Duration d) throws Suspendable {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a negative sleep: " + d);
        }
        request(new Request.Sleep(d.toMillis()));
    }

    /**
     * Runs {@code call} and commits its result in this tasklet's checkpoint: once it returned, it
     * is never run again, and its result is what the tasklet goes on with, also after a crash. A
     * crash while the call runs, or before its result is committed, runs it again (at least once).
     * If the call throws, nothing is recorded and the exception propagates (catch it to retry).
     *
     * @param <T> the result: picklable (an allowed record, a String, a boxed value, ...)
     */
    @SuppressWarnings("unchecked")
    public static <T> T step(Step<T> call) throws Suspendable, Exception {
        Objects.requireNonNull(call, "step needs a call");
        Engine.require("Durable.step");
        T v = call.call();
        return (T) request(new Request.StepDone(v));
    }

    /**
     * Starts durable tasklet {@code id} running {@code body}, committed together with this
     * tasklet's checkpoint (so a crash neither loses the child nor starts it twice); false, and
     * nothing started, if the id exists. {@code DurableRuntime.start} blocks, so durable tasklets
     * start others with this.
     */
    public static boolean start(String id, DurableBody<?> body) throws Suspendable {
        Objects.requireNonNull(body, "body");
        new DurableChannel<>(id); // the same rules for ids as for names
        org.jstackless.durable.internal.ChannelMarks.checkTaskletId(id);
        return (Boolean) request(new Request.Start(id, body(body)));
    }

    /** The durable channel named {@code name} (the handle is only the name). */
    public static <T> DurableChannel<T> channel(String name) {
        return new DurableChannel<>(name);
    }

    /** The stable id of the running durable tasklet. */
    public static String id() {
        return Engine.require("Durable.id").idOf(Stackless.current());
    }

    /** Suspends the caller with {@code r}; returns the runtime's answer once committed. */
    static Object request(Request r) throws Suspendable {
        Engine.require("a durable operation").suspending(Stackless.current());
        return answer(Stackless.scheduleRemove(r));
    }

    private static Object answer(Object back) {
        if (!(back instanceof Resume res)) {
            throw new IllegalStateException("a durable tasklet was resumed by something else than its runtime (with "
                    + back + "); resume durable tasklets only through their DurableRuntime");
        }
        if (res.error() != null) {
            throw res.error();
        }
        if (res.cancels()) {
            throw new TaskletExit(); // DurableRuntime.cancel: finally blocks run, then the tasklet ends as cancelled
        }
        return res.value();
    }

    /** The tasklet body that runs {@code body} and reports its end to the runtime. */
    static TaskletBody body(DurableBody<?> body) {
        return () -> run(body);
    }

    private static void run(DurableBody<?> body) throws Suspendable {
        Request.Finish outcome;
        try {
            outcome = new Request.Finish(body.run(), null);
        } catch (TaskletExit e) {
            outcome = new Request.Finish(null, CANCELLED);
        } catch (Throwable e) {
            outcome = new Request.Finish(null, e.toString());
        }
        request(outcome);
    }
}
