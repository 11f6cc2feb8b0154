package org.jstackless.sync;

import org.jstackless.Suspendable;

/**
 * A flag that tasklets wait for: {@link #await()} returns at once while the event is set, and
 * otherwise suspends the calling tasklet until {@link #set()}; {@code set} wakes every waiter;
 * {@link #clear()} makes later waits wait again. (Python's {@code threading.Event}, for tasklets.)
 *
 * <pre>{@code
 * Event ready = new Event();
 * Tasklet.spawn(() -> { ready.await(); System.out.println("go"); });
 * ...
 * ready.set();   // every tasklet waiting in await() becomes runnable
 * }</pre>
 */
public final class Event {
    /** Guarded by this object's monitor. */
    private boolean set;
    private final WaitQueue queue = new WaitQueue(this);

    /** An event that is not set. */
    public Event() {
    }

    /** Suspends the calling tasklet until the event is set; returns at once if it is. */
    public void await() throws Suspendable {
        boolean wasAtomic = WaitQueue.atomic();
        try {
            WaitQueue.Waiter w = setOrEnlist();
            if (w != null) {
                queue.park(w, Event::nothingToHandOn);
            }
        } finally {
            WaitQueue.restore(wasAtomic);
        }
    }

    /** Sets the event and wakes every waiting tasklet (they become runnable; the caller keeps running). */
    public void set() throws Suspendable {
        boolean wasAtomic = WaitQueue.atomic();
        try {
            for (WaitQueue.Waiter w : setAndPickAll()) {
                WaitQueue.wake(w);
            }
        } finally {
            WaitQueue.restore(wasAtomic);
        }
    }

    /** Clears the event: later {@link #await()}s wait again. */
    public synchronized void clear() {
        set = false;
    }

    /** Whether the event is set. */
    public synchronized boolean isSet() {
        return set;
    }

    /** The tasklets waiting in {@link #await()} that no wake-up is on its way to yet. */
    public synchronized int waiting() {
        return queue.waiting();
    }

    /** Null if the event is set; else the caller waits with the returned record. */
    private synchronized WaitQueue.Waiter setOrEnlist() {
        return set ? null : queue.enlist();
    }

    private synchronized java.util.List<WaitQueue.Waiter> setAndPickAll() {
        set = true;
        return queue.pickAll();
    }

    /** A waiter killed after set() woke it: the event stays set, so there is nothing to hand on. */
    private static void nothingToHandOn() {
    }

    // ---------------------------------------------------------------- pickling (SyncCodecs)

    /** Its waiters. */
    WaitQueue queue() {
        return queue;
    }

    /** Unpickling: makes this fresh event set. */
    synchronized void restoreSet() {
        set = true;
    }
}
