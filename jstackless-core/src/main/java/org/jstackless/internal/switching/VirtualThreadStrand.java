package org.jstackless.internal.switching;

import java.util.concurrent.locks.LockSupport;

/**
 * Hard-switching fallback for JVMs that do not export {@code jdk.internal.vm}: each strand is a
 * virtual thread, and exactly one of {the resuming thread, the strand threads} runs at a time.
 *
 * <p>Algorithm: a hand-off of "the turn". Whoever resumes a strand creates a {@link Baton} (its
 * own thread and a volatile {@code back} flag), gives the strand the turn (its volatile
 * {@code strandsTurn}), unparks it and parks until {@code back} is set. A strand that suspends
 * clears its own turn and passes the baton on: when it was resumed by the carrier loop and the
 * strand it switches to is another live virtual-thread strand, it gives that strand the turn and
 * the same baton directly ({@link Carrier#handedOver}); otherwise it sets {@code back} and unparks
 * the baton's thread. The direct hand-off matters: waking a parked platform thread costs tens of
 * microseconds on these machines, while an unpark from one virtual thread to another is queued on
 * the current carrier and runs as soon as the unparking thread parks. A strand that ends passes
 * the baton on the same way. Every hand-off is a volatile write read by the receiver before it
 * touches anything, so each side sees the scheduler's state exactly as the other left it.
 */
final class VirtualThreadStrand extends HardStrand {
    private static final Thread.Builder BUILDER = Thread.ofVirtual().name("jstackless-strand");

    /** Who waits for a resume to come back, and the flag it waits on. */
    private static final class Baton {
        final Thread waiter;
        /** True when the carrier loop resumed: only then may the turn go to another strand directly. */
        final boolean fromLoop;
        volatile boolean back;

        Baton(Thread waiter, boolean fromLoop) {
            this.waiter = waiter;
            this.fromLoop = fromLoop;
        }
    }

    private final Object body;
    private final StrandEntry entry;
    /** The carrier that resumed it last: a strand may move between threads (bindThread). */
    private Carrier carrier;
    /** The carrier whose thread-backed set holds it while it lives. */
    private Carrier registeredOn;
    private Thread thread;
    /** The baton of the resume that gave this strand the turn; valid while it has the turn. */
    private Baton baton;
    /**
     * The thread parked in {@link #suspend}: the strand's own thread, or the thread of a nested
     * strand running on it (a generator body that switched away suspends its consumer from there).
     */
    private volatile Thread sleeper;
    private volatile boolean strandsTurn;
    private volatile boolean done;
    private volatile boolean discarded;

    VirtualThreadStrand(Object body, StrandEntry entry) {
        this.body = body;
        this.entry = entry;
    }

    @Override
    public void resume() {
        run(false);
    }

    @Override
    void resumeFromLoop() {
        run(true);
    }

    private void run(boolean fromLoop) {
        Baton b = new Baton(Thread.currentThread(), fromLoop);
        take(Carrier.current(), b);
        while (!b.back) {
            LockSupport.park(this);
        }
    }

    /** Gives this strand the turn, on carrier {@code c}, to hand back to {@code b} later. */
    private void take(Carrier c, Baton b) {
        carrier = c;
        baton = b;
        if (thread == null) {
            registeredOn = c;
            c.registerThreadBacked(this);
            strandsTurn = true;
            // Assigned before it starts: the new thread may hand the turn on at once, and the
            // strand that gets it may hand it back here before start() would have returned.
            thread = BUILDER.unstarted(this::main);
            thread.start();
        } else {
            strandsTurn = true;
            LockSupport.unpark(sleeper);
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
            passOn();
        }
    }

    @Override
    public Object suspend(Resumption k) {
        sleeper = Thread.currentThread();
        strandsTurn = false;
        passOn();
        while (!strandsTurn) {
            LockSupport.park(this);
        }
        if (discarded) {
            throw new Discarded();
        }
        Carrier.adopt(carrier);
        return k.resumed();
    }

    /** Hands the turn to the next virtual-thread strand directly when allowed, else back to the baton's thread. */
    private void passOn() {
        Baton b = baton;
        Carrier c = carrier;
        if (b.fromLoop && !discarded && c.next() instanceof VirtualThreadStrand t && t != this
                && !t.done && !t.discarded) {
            c.handedOver(t);
            t.take(c, b);
        } else {
            b.back = true;
            LockSupport.unpark(b.waiter);
        }
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public void discard() {
        if (thread == null || done) {
            return;
        }
        // The thread must end or it leaks: unwind it (this runs its finally blocks, unlike the
        // continuation mechanism) and wait until it has.
        Baton b = new Baton(Thread.currentThread(), false);
        baton = b;
        discarded = true;
        strandsTurn = true;
        LockSupport.unpark(sleeper);
        while (!b.back) {
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
        public Strand create(Object body, StrandEntry entry) {
            return new VirtualThreadStrand(body, entry);
        }
    }
}
