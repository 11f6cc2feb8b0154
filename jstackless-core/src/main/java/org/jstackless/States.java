package org.jstackless;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jstackless.internal.Errors;

/**
 * The tasklet state machine: the one writer of a tasklet's state ({@code where}), its links in the
 * run queue ({@code next}/{@code prev}), its waiting records ({@code waitingFor}: a select or a wait; a plain
 * channel wait's record is the tasklet itself, a {@link Waiter}), its owner ({@code sched}) and its
 * flags. Every other class asks for a transition
 * here; none writes those fields (the frames, {@code strand}/{@code resumeAt}, and the mailbox,
 * {@code tempval}, are the tasklet's data, not its state).
 *
 * <pre>
 *   state     meaning                                        left by
 *   NOWHERE   paused, bound, dead or being handed over        insert, block, park, queue
 *   RING      in its scheduler's run queue (the running one   unlink (switchTo, remove, run(),
 *             included)                                      block, park, end)
 *   CHANNEL   its Waiter record(s) in channel queues          a partner (released), unblocked
 *             (one plain record, or one per select case)       (kill, throw, close, timeout)
 *   WAITING   a {@link Wait}: blocking call, timer, future,   fromWaiting (the outcome came back,
 *             socket                                          or the wait was interrupted)
 *   TRANSIT   taken by another thread, on its way through     arrived (its owner drains the inbox)
 *             its owner's inbox
 *   QUEUED    new, in a pool carrier's {@link Backlog}        unqueued (taken into a ring, stolen,
 *                                                            removed, drained)
 * </pre>
 *
 * <p>Invariants: {@code where == RING} exactly while the tasklet is linked into its scheduler's
 * ring ({@code next}/{@code prev} non-null, counted in {@code runCount}); {@code waitingFor} is a
 * {@link Wait} exactly while {@code where == WAITING}, and a {@link Select} only while the tasklet
 * is blocked in (or being woken from) that select. Ring and waiting transitions run on the owner's thread;
 * the channel transitions run under the channel's lock, the backlog ones under the backlog's lock,
 * and a partner of another thread publishes the end of a channel wait with release semantics
 * ({@link #released}), which the owner waits for ({@link #awaitRelease}) before it touches the
 * tasklet.
 */
final class States {
    static final byte NOWHERE = 0;
    static final byte RING = 1;
    static final byte CHANNEL = 2;
    static final byte WAITING = 3;
    static final byte TRANSIT = 4;
    /** In a pool carrier's {@link Backlog}: created, not run yet, may be taken by another carrier. */
    static final byte QUEUED = 5;

    /** {@link Tasklet#where}, published with release semantics when a partner takes a waiting tasklet. */
    private static final VarHandle WHERE;
    private static final VarHandle ON_CPU;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WHERE = l.findVarHandle(Tasklet.class, "where", byte.class);
            ON_CPU = l.findVarHandle(Tasklet.class, "onCpu", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private States() {
    }

    // ---------------------------------------------------------------- the ring (owner thread)

    /** NOWHERE → RING: links {@code t} just before the head (the end of the round). */
    static void insert(Scheduler s, Tasklet t) {
        Tasklet h = s.head;
        if (h == null) {
            t.next = t;
            t.prev = t;
            s.head = t;
        } else {
            Tasklet p = h.prev;
            t.prev = p;
            t.next = h;
            p.next = t;
            h.prev = t;
        }
        t.where = RING;
        s.runCount++;
    }

    /** NOWHERE → RING: links {@code t} right after {@code pos}. */
    static void insertAfter(Scheduler s, Tasklet pos, Tasklet t) {
        Tasklet n = pos.next;
        t.prev = pos;
        t.next = n;
        pos.next = t;
        n.prev = t;
        t.where = RING;
        s.runCount++;
    }

    /** RING → NOWHERE. */
    static void unlink(Scheduler s, Tasklet t) {
        if (t.next == t) {
            s.head = null;
        } else {
            t.prev.next = t.next;
            t.next.prev = t.prev;
            if (s.head == t) {
                s.head = t.next;
            }
        }
        t.next = null;
        t.prev = null;
        t.where = NOWHERE;
        s.runCount--;
    }

    /** Puts a paused or blocked tasklet into the ring (unblocking it first), as step 4 of a switch. */
    static void makeRunnable(Scheduler s, Tasklet t) {
        if (t.where == WAITING) {
            throw new IllegalStateException(Errors.RUN_WAITING);
        }
        if (t.sched != s) {
            throw movedAway(t);
        }
        if (t.where == CHANNEL) {
            // Re-checked under the channel's lock: another thread may have taken it, and a pool
            // carrier's rendezvous may have adopted it (then it is no longer ours).
            if (!Channel.unblock(t) && t.sched != s) {
                throw movedAway(t);
            }
        }
        if (t.where == QUEUED && !s.backlog.remove(t)) {
            throw movedAway(t); // an idle carrier stole it a moment ago
        }
        arrived(s, t);
        if (t.where == NOWHERE) {
            insert(s, t);
        }
    }

    /**
     * Owner: takes {@code t} out of a channel's queue or the backlog, if it is there; false when a
     * rendezvous or an idle carrier of the pool took it meanwhile (it is no longer ours).
     */
    static boolean takeBack(Scheduler s, Tasklet t) {
        if (t.where == CHANNEL && !Channel.unblock(t) && t.sched != s) {
            return false;
        }
        return t.where != QUEUED || s.backlog.remove(t);
    }

    /** The refusal when another pool carrier took {@code t} during the caller's operation on it. */
    static IllegalStateException movedAway(Tasklet t) {
        return new IllegalStateException(t + " moved to another carrier of its pool (a rendezvous there or an idle "
                + "carrier took it) while this call ran; pool tasklets may move at any time, so act on them "
                + "with kill()/throwInto()/channels, which follow a moving tasklet, and retry the call if needed");
    }

    // ---------------------------------------------------------------- channels (under the channel's lock)

    /** RING → CHANNEL for a plain send/receive: returns its record, to be queued by the channel. */
    static Waiter blockOnChannel(Scheduler s, Tasklet t) {
        unlink(s, t);
        t.waitingFor = null; // a select it was woken from but never finished (frames dropped) is over
        t.where = CHANNEL;
        return t; // its own record
    }

    /** RING → CHANNEL for a select: its cases' records are queued by the select. */
    static void blockInSelect(Scheduler s, Tasklet t, Select<?> sel) {
        unlink(s, t);
        t.where = CHANNEL;
        t.waitingFor = sel;
    }

    /** Unpickling: a restored, paused tasklet NOWHERE → CHANNEL in a select, whose records it queues. */
    static void restoreSelect(Tasklet t, Select<?> sel) {
        t.where = CHANNEL;
        t.waitingFor = sel;
    }

    /** Unpickling: a restored, paused tasklet NOWHERE → CHANNEL; returns its record to queue. */
    static Waiter restoreBlocked(Tasklet t) {
        t.where = CHANNEL;
        return t;
    }

    /** CHANNEL → NOWHERE by its own thread (kill, throw, a select's cancel or timeout). */
    static void unblocked(Tasklet t) {
        t.where = NOWHERE;
    }

    /** CHANNEL → NOWHERE (partner of this thread) or TRANSIT (of another): published last, with release. */
    static void released(Tasklet t, boolean here) {
        WHERE.setRelease(t, here ? NOWHERE : TRANSIT);
    }

    /** A partner (of another thread) took {@code t}: waits the instant until it says where {@code t} goes. */
    static void awaitRelease(Tasklet t) {
        while ((byte) WHERE.getAcquire(t) == CHANNEL) {
            Thread.onSpinWait();
        }
    }

    /** The resumed tasklet (or one whose frames are dropped) leaves the select it was woken from; returns it, or null. */
    static Select<?> leaveSelect(Tasklet t) {
        Select<?> sel = t.selecting();
        if (sel != null) {
            t.waitingFor = null;
        }
        return sel;
    }

    // ---------------------------------------------------------------- waits outside the scheduler (owner)

    /** RING → WAITING on {@code w}. */
    static void toWaiting(Scheduler s, Tasklet t, Wait w) {
        unlink(s, t);
        t.where = WAITING;
        t.waitingFor = w;
    }

    /** WAITING → RING: its outcome (or a bomb) is in its tempval. */
    static void fromWaiting(Scheduler s, Tasklet t) {
        t.waitingFor = null;
        t.where = NOWHERE;
        insert(s, t);
    }

    // ---------------------------------------------------------------- between threads and carriers

    /** TRANSIT → NOWHERE: a tasklet handed to {@code s} by another thread is {@code s}'s now. */
    static void arrived(Scheduler s, Tasklet t) {
        if (t.where == TRANSIT && t.sched == s) {
            t.where = NOWHERE;
        }
    }

    /** Owner: RING → TRANSIT, handed to {@code to} (a stealing carrier), which takes it from its inbox. */
    static void handOver(Scheduler s, Tasklet t, Scheduler to) {
        unlink(s, t);
        t.sched = to;
        t.where = TRANSIT;
    }

    /** Any thread, under the backlog's lock: NOWHERE → QUEUED in {@code owner}'s backlog. */
    static void queued(Tasklet t, Scheduler owner) {
        t.sched = owner;
        t.where = QUEUED;
    }

    /** Under the backlog's lock: QUEUED → NOWHERE, now {@code to}'s (the owner, or a thief). */
    static void unqueued(Tasklet t, Scheduler to) {
        t.sched = to;
        t.where = NOWHERE;
    }

    /** A pool carrier takes a waiting partner (under its channel's lock): see {@link PoolCarrier#adopt}. */
    static void adopted(Tasklet t, Scheduler to) {
        t.sched = to;
    }

    /** bindThread: {@code t} (not in a ring) belongs to {@code to} from now on. */
    static void rebound(Tasklet t, Scheduler to) {
        t.sched = to;
    }

    /** Its thread's session is over: {@code t} is in no queue of it (spec §9). */
    static void forgotten(Tasklet t) {
        t.next = null;
        t.prev = null;
        t.where = NOWHERE;
    }

    // ---------------------------------------------------------------- flags

    /** Pool carriers: whether {@code t} runs, or is still suspending, on a carrier. */
    static void setOnCpu(Tasklet t, boolean on) {
        t.onCpu = on;
    }

    /** As {@link #setOnCpu}(t, false), published: another carrier may now adopt {@code t}. */
    static void releaseCpu(Tasklet t) {
        ON_CPU.setRelease(t, false);
    }

    /** Any carrier: whether {@code t}'s frames are still on some carrier. */
    static boolean onCpu(Tasklet t) {
        return (boolean) ON_CPU.getAcquire(t);
    }

    static boolean flag(Tasklet t, int bit) {
        return (t.flags & bit) != 0;
    }

    static void setFlag(Tasklet t, int bit, boolean on) {
        t.flags = on ? t.flags | bit : t.flags & ~bit;
    }

    /** Before {@link Stackless#run()}: pushes the scheduler's threadBlock flag on {@code t}'s stack of them. */
    static void saveRunFlags(Tasklet t, boolean threadBlock) {
        int f = t.flags;
        int stack = (f >>> Tasklet.RUN_FLAGS_SHIFT) << 1 | (threadBlock ? 1 : 0);
        t.flags = (f & Tasklet.FLAG_MASK) | stack << Tasklet.RUN_FLAGS_SHIFT;
    }

    /** As run() returns: pops the threadBlock flag saved by {@link #saveRunFlags}. */
    static boolean restoreRunFlags(Tasklet t) {
        int f = t.flags;
        int stack = f >>> Tasklet.RUN_FLAGS_SHIFT;
        t.flags = (f & Tasklet.FLAG_MASK) | (stack >>> 1) << Tasklet.RUN_FLAGS_SHIFT;
        return (stack & 1) != 0;
    }
}
