package org.jstackless.internal.switching;

import java.util.concurrent.locks.LockSupport;
import org.jstackless.TaskletBody;

/**
 * Hard-switching fallback for JVMs that do not export {@code jdk.internal.vm}: each strand is a
 * virtual thread, and exactly one of {carrier thread, strand thread} runs at a time.
 *
 * <p>Algorithm: a hand-off on one volatile {@code turn} flag. {@code resume()} gives the strand the
 * turn, unparks it and parks until the turn comes back; {@code suspend()} gives the turn back,
 * unparks the carrier thread and parks until it is handed the turn again. The volatile write of
 * {@code turn} publishes everything either side did before it, so the strand sees the scheduler's
 * state exactly as the carrier left it.
 */
final class VirtualThreadStrand extends Strand {
    private static final Thread.Builder BUILDER = Thread.ofVirtual().name("jstackless-strand");

    private final TaskletBody body;
    private final StrandEntry entry;
    /** The carrier that resumed it last: a strand may move between threads (bindThread). */
    private volatile Carrier carrier;
    /** The carrier whose thread-backed set holds it while it lives. */
    private Carrier registeredOn;
    private Thread thread;
    private volatile Thread waiter;
    /**
     * The thread parked in {@link #suspend}: the strand's own thread, or the thread of a nested
     * strand running on it (a generator body that switched away suspends its consumer from there).
     */
    private volatile Thread sleeper;
    private volatile boolean strandsTurn;
    private volatile boolean done;
    private volatile boolean discarded;

    VirtualThreadStrand(TaskletBody body, StrandEntry entry) {
        this.body = body;
        this.entry = entry;
    }

    @Override
    public void resume() {
        carrier = Carrier.current();
        waiter = Thread.currentThread();
        strandsTurn = true;
        if (thread == null) {
            registeredOn = carrier;
            carrier.registerThreadBacked(this);
            thread = BUILDER.start(this::main);
        } else {
            LockSupport.unpark(sleeper);
        }
        while (strandsTurn) {
            LockSupport.park(this);
        }
    }

    private void main() {
        Carrier.adopt(carrier);
        try {
            Strands.runEntry(body, entry);
        } catch (Discarded d) {
            // dropped by discard(): nothing to report
        } finally {
            registeredOn.unregisterThreadBacked(this);
            done = true;
            handBack();
        }
    }

    @Override
    public Object suspend(Resumption k) {
        sleeper = Thread.currentThread();
        handBack();
        while (!strandsTurn) {
            LockSupport.park(this);
        }
        if (discarded) {
            throw new Discarded();
        }
        Carrier.adopt(carrier);
        return k.resumed();
    }

    private void handBack() {
        strandsTurn = false;
        LockSupport.unpark(waiter);
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public boolean isSoft() {
        return false;
    }

    @Override
    public void discard() {
        if (thread == null || done) {
            return;
        }
        // The thread must end or it leaks: unwind it (this runs its finally blocks, unlike the
        // continuation mechanism) and wait until it has.
        discarded = true;
        waiter = Thread.currentThread();
        strandsTurn = true;
        LockSupport.unpark(sleeper);
        while (!done) {
            LockSupport.park(this);
        }
    }

    @Override
    public StackTraceElement[] suspendedStackTrace() {
        Thread t = thread;
        return t == null ? super.suspendedStackTrace() : t.getStackTrace();
    }

    /** Unwinds a discarded strand's thread; never seen by user code that does not catch Error. */
    private static final class Discarded extends Error {
        private static final long serialVersionUID = 1L;

        Discarded() {
            super("strand discarded", null, false, false);
        }
    }

    static final class Factory implements StrandFactory {
        @Override
        public Strand create(TaskletBody body, StrandEntry entry) {
            return new VirtualThreadStrand(body, entry);
        }

        @Override
        public Mechanism mechanism() {
            return Mechanism.VIRTUAL_THREAD;
        }
    }
}
