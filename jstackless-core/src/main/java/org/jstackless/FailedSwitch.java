package org.jstackless;

import org.jstackless.internal.switching.Strand;

/**
 * Makes a soft tasklet's failed switch take effect at once. When frameless code throws while a soft
 * tasklet's frames unwind (see {@code SoftStrand}), the switch has already been made: the tasklet
 * waits where it chose (a channel's queue, a select, a timer, a socket, the run queue, paused) and
 * its successor is current. Left there, a channel partner arriving later would hand its value to a
 * tasklet that can only die (the value lost while the sender believes it delivered), and with no
 * partner the error would never be reported.
 *
 * <p>So, still on the failed strand's carrier, before anything else runs: the tasklet is taken out
 * of what it waits on as {@code kill()} takes a blocked tasklet out (its channel records leave the
 * queues and the balances, a timer or socket wait is dropped) and runs next, in place of the
 * successor, which stays first in the rest of the round. Its strand then ends at once with the
 * failure's error, reported to its watchdog like any uncaught error ({@code run()} raises it).
 *
 * <p>Limits. A blocking call or future already started cannot be taken back: the tasklet ends when
 * its outcome arrives (as a kill would). A partner of another thread (or another carrier of the
 * pool) that took the tasklet from its channel while it was still unwinding has handed over its
 * value already: that value is lost with the tasklet (the window is the unwinding itself). A
 * tasklet waiting in a {@code sync} primitive leaves its own channel but stays enlisted there (the
 * withdrawal is code of the dropped frames): the primitive passes over it as dead when it picks.
 * A failure of a strand that is not a tasklet's own (a greenlet, coroutine or generator it runs)
 * is left to take effect when that strand is next resumed. A tasklet's own strand that suspends
 * without a tasklet switch (into a greenlet or coroutine) leaves its tasklet current: nothing to do.
 */
final class FailedSwitch {
    private FailedSwitch() {
    }

    /**
     * Owner thread, inside {@code failed.resume()} on the carrier loop, right after the failure.
     * Does nothing unless {@code failed} is the own strand of the tasklet the latest switch left.
     */
    static void takeEffect(Scheduler s, Strand failed) {
        Tasklet t = s.leaving;
        Tasklet successor = s.current;
        if (t == null || t == successor || successor == null || t.isMain() || t.strand != failed
                || t.resumeAt != failed || t.sched != s) {
            return;
        }
        s.leaving = null;
        if (t.where == States.WAITING && !s.waits.interruptWait(t)) {
            return; // a blocking call or future under way: it ends when the outcome arrives, as a kill
        }
        try {
            States.makeRunnable(s, t); // out of its channel queues or select (balances follow), into the ring
        } catch (IllegalStateException movedAway) {
            return; // another carrier of the pool took it meanwhile: it ends there, when resumed
        }
        // It runs now instead of the successor, which was made runnable and is in the ring. t was
        // inserted at the end of the round that starts with the successor (right before it), or was
        // left in the ring by its switch (a schedule(): right before it too), so once t has ended
        // the round goes on with the successor.
        s.head = t;
        s.current = t;
        if (s.loop != null) {
            s.loop.runsInstead(t, successor);
        }
        Callbacks.onSchedule(s, successor, t);
        s.carrier.setNext(t.resumeAt);
    }
}
