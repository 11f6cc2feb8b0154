package org.jstackless.internal.switching;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.jstackless.TaskletBody;

/**
 * Hard switching on the JDK's own one-shot delimited continuations, the mechanism under virtual
 * threads. Loaded only after {@link Switching} checked that {@code jdk.internal.vm} is exported to
 * us, so its direct references never fail to link.
 */
final class ContinuationStrand extends HardStrand {
    static final ContinuationScope SCOPE = new ContinuationScope("jstackless");
    /**
     * The scope of nested strands (generator bodies run on their consumer's stack): their yield
     * returns to the nearest enclosing nested run, while a switch inside them yields {@link #SCOPE},
     * which suspends the consumer's continuation with the nested one mounted inside it.
     */
    static final ContinuationScope NESTED = new ContinuationScope("jstackless-nested");

    private final Cont cont;
    private final ContinuationScope scope;
    private boolean started;

    ContinuationStrand(TaskletBody body, StrandEntry entry, ContinuationScope scope) {
        this.scope = scope;
        this.cont = new Cont(scope, () -> Strands.runEntry(body, entry));
    }

    @Override
    public void resume() {
        started = true;
        cont.run();
    }

    @Override
    public Object suspend(Resumption k) {
        Continuation.yield(scope);
        return k.resumed();
    }

    @Override
    public boolean isDone() {
        return cont.isDone();
    }

    @Override
    public boolean canMigrate() {
        return !started;
    }

    /**
     * The continuation's frames without the switching machinery around the user's code. Only while
     * it is not mounted and cannot be: on the thread that resumes it ({@code Tasklet} checks that).
     */
    @Override
    public StackTraceElement[] suspendedStackTrace() {
        if (!started || cont.isDone()) {
            return new StackTraceElement[0];
        }
        return CoreFrames.userPart(cont.getStackTrace());
    }

    @Override
    public void discard() {
        // An unmounted continuation is plain heap data: dropping the reference drops the frames.
    }

    /** A continuation whose pinned-yield failure says what to do about it. */
    private static final class Cont extends Continuation {
        Cont(ContinuationScope scope, Runnable r) {
            super(scope, r);
        }

        @Override
        protected void onPinned(Continuation.Pinned reason) {
            throw new IllegalStateException("a hard tasklet cannot switch here: its stack is pinned ("
                    + reason + "): it holds a monitor or runs inside a native frame. "
                    + "Leave the synchronized block or native callback before switching.");
        }
    }

    static final class Factory implements StrandFactory {
        private final boolean nested;

        Factory(boolean nested) {
            this.nested = nested;
        }

        @Override
        public Strand create(TaskletBody body, StrandEntry entry) {
            return new ContinuationStrand(body, entry, nested ? NESTED : SCOPE);
        }

        @Override
        public Mechanism mechanism() {
            return Mechanism.CONTINUATION;
        }
    }
}
