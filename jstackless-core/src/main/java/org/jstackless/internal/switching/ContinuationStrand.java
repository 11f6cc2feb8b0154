package org.jstackless.internal.switching;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.jstackless.TaskletBody;

/**
 * Hard switching on the JDK's own one-shot delimited continuations, the mechanism under virtual
 * threads. Loaded only after {@link Switching} checked that {@code jdk.internal.vm} is exported to
 * us, so its direct references never fail to link.
 */
final class ContinuationStrand extends Strand {
    static final ContinuationScope SCOPE = new ContinuationScope("jstackless");

    private final Cont cont;
    private boolean started;

    ContinuationStrand(TaskletBody body, StrandEntry entry) {
        this.cont = new Cont(() -> Strands.runEntry(body, entry));
    }

    @Override
    public void resume() {
        started = true;
        cont.run();
    }

    @Override
    public Object suspend(Resumption k) {
        Continuation.yield(SCOPE);
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

    @Override
    public boolean isSoft() {
        return false;
    }

    @Override
    public void discard() {
        // An unmounted continuation is plain heap data: dropping the reference drops the frames.
    }

    /** A continuation whose pinned-yield failure says what to do about it. */
    private static final class Cont extends Continuation {
        Cont(Runnable r) {
            super(SCOPE, r);
        }

        @Override
        protected void onPinned(Continuation.Pinned reason) {
            throw new IllegalStateException("a hard tasklet cannot switch here: its stack is pinned ("
                    + reason + "): it holds a monitor or runs inside a native frame. "
                    + "Leave the synchronized block or native callback before switching.");
        }
    }

    static final class Factory implements StrandFactory {
        @Override
        public Strand create(TaskletBody body, StrandEntry entry) {
            return new ContinuationStrand(body, entry);
        }

        @Override
        public Mechanism mechanism() {
            return Mechanism.CONTINUATION;
        }
    }
}
