package org.jstackless;

import java.util.Iterator;
import java.util.Objects;

/**
 * A rendezvous channel between tasklets (Stackless's {@code channel}, spec §4).
 *
 * <p>Algorithm ({@code generic_channel_action}): the operating tasklet puts the value it sends (or
 * null) in its own tempval. If a partner of the other direction is waiting, the partner is
 * dequeued and the two tempvals are swapped, so the receiver's call returns the value and the
 * sender's returns null; then {@link #preference()} decides who keeps running: {@code -1} (the
 * default) switches to a waiting receiver at once, {@code +1} to a waiting sender, {@code 0} lets
 * the caller continue, and {@link #scheduleAll()} queues the partner and moves on to the next
 * tasklet. The tasklet that does not run is put in the run queue. With no partner, the caller
 * blocks: it leaves the run queue and joins this channel's queue.
 *
 * <p>Invariants (as in Go's {@code hchan}):
 * <ul>
 * <li>{@code balance > 0}: that many senders are queued; {@code < 0}: that many receivers; all
 *     queued tasklets have the same direction, and {@code |balance|} equals the queue length.
 * <li>the queue is FIFO, linked through the tasklets' {@code next}/{@code prev}, null-terminated;
 *     every queued tasklet has {@code where == CHANNEL}, {@code channel == this} and
 *     {@code blocked} equal to the sign of {@code balance}.
 * <li>{@code close()} wakes nobody: it only forbids blocking from then on.
 * <li>queue, balance and the queued tasklets' links change only under the channel's lock; a
 *     partner of another thread is handed to its own scheduler and never switched to here.
 * </ul>
 *
 * @param <T> the type of the values sent
 */
public final class Channel<T> implements Iterable<T> {
    private static final java.lang.invoke.VarHandle LOCK;

    static {
        try {
            LOCK = java.lang.invoke.MethodHandles.lookup().findVarHandle(Channel.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through LOCK
    private volatile int locked;
    private Tasklet first;
    private Tasklet last;
    private int balance;
    private int preference = -1;
    private boolean scheduleAll;
    private boolean closing;

    /** An open channel with preference -1 (prefer the receiver). */
    public Channel() {
    }

    /** Sends {@code v}; blocks until a receiver takes it. */
    public void send(T v) throws Suspendable {
        action(v, 1);
    }

    /** Receives a value; blocks until a sender offers one. A sent exception is thrown here. */
    @SuppressWarnings("unchecked")
    public T receive() throws Suspendable {
        return (T) action(null, -1);
    }

    /** Sends an exception: the receiver's {@link #receive()} throws {@code t} (spec §4.3). */
    public void sendException(Throwable t) throws Suspendable {
        action(new Bomb(Objects.requireNonNull(t, "sendException needs an exception")), 1);
    }

    /** Sends every value of {@code vs} in turn; returns how many were sent. */
    public int sendSequence(Iterable<? extends T> vs) throws Suspendable {
        int n = 0;
        for (T v : vs) {
            send(v);
            n++;
        }
        return n;
    }

    /**
     * Receives until the channel is closing with no sender waiting, or a sender sends a
     * {@code java.util.NoSuchElementException} (the Java spelling of Python's StopIteration).
     * Only for hard tasklets and main: iteration cannot suspend a soft tasklet's frames.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !(closing && balance <= 0);
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException("channel closed");
                }
                Stackless.refuseInSoftStrand("iterating a channel");
                try {
                    return receive();
                } catch (Suspendable s) {
                    throw new AssertionError(s);
                }
            }
        };
    }

    private Object action(Object value, int dir) {
        Scheduler s = Scheduler.current();
        if (s.inChannelCallback) {
            throw new IllegalStateException("Recursive channel call due to callbacks!");
        }
        Tasklet source = s.current;
        source.tempval = value;
        if (Scheduler.channelCallback != null) {
            s.callChannelCallback(this, source, dir > 0, !(dir > 0 ? balance < 0 : balance > 0));
        }
        lock();
        if (dir > 0 ? balance < 0 : balance > 0) {
            Tasklet target = first;
            // Two carriers of one pool: the partner comes here and the rendezvous stays local.
            if (target.sched != s && !s.adopt(target)) {
                // Cross-thread rendezvous (spec §9): hand the partner to its own thread, never switch here.
                dequeue(target);
                swap(source, target);
                target.where = Scheduler.TRANSIT;
                unlock();
                target.sched.deliverRunnable(target);
                return Scheduler.claim(source);
            }
            boolean willSwitch = scheduleAll || preference == -dir;
            if (willSwitch && s.switchTrap != 0) {
                unlock();
                source.tempval = null;
                throw new IllegalStateException("switch_trap");
            }
            dequeue(target);
            swap(source, target);
            unlock();
            if (scheduleAll) {
                s.insert(target);
                return s.scheduleTask(source, source.next, s.claimFor(source));
            }
            if (preference == -dir) {
                s.insertAfter(source, target);
                return s.scheduleTask(source, target, s.claimFor(source));
            }
            s.insert(target);
            return Scheduler.claim(source);
        }
        String refusal = s.switchTrap != 0 ? "switch_trap"
                : source.blockTrap ? "this tasklet does not like to be blocked."
                : closing ? "closed" : null;
        if (refusal != null) {
            unlock();
            source.tempval = null;
            if (refusal.equals("closed")) {
                throw new ChannelClosedException("Send/receive operation on a closed channel");
            }
            throw new IllegalStateException(refusal);
        }
        s.unlink(source);
        enqueue(source, dir);
        unlock();
        return s.scheduleTask(source, s.head, s.claimFor(source));
    }

    private static void swap(Tasklet a, Tasklet b) {
        Object v = a.tempval;
        a.tempval = b.tempval;
        b.tempval = v;
    }

    /**
     * Guards the queue and balance against operations from other threads. Held only around the
     * bookkeeping, never across a switch, so a spin is enough; uncontended it is one CAS.
     */
    void lock() {
        while (!LOCK.compareAndSet(this, 0, 1)) {
            Thread.onSpinWait();
        }
    }

    void unlock() {
        LOCK.setRelease(this, 0);
    }

    private void enqueue(Tasklet t, int dir) {
        t.prev = last;
        t.next = null;
        if (last == null) {
            first = t;
        } else {
            last.next = t;
        }
        last = t;
        t.where = Scheduler.CHANNEL;
        t.channel = this;
        t.blocked = dir;
        balance += dir;
    }

    /** Unpickling: puts a restored, paused tasklet at the end of this channel's queue, blocked in {@code dir}. */
    void restoreBlocked(Tasklet t, int dir) {
        lock();
        try {
            enqueue(t, dir);
        } finally {
            unlock();
        }
    }

    /**
     * Takes a blocked tasklet out of this channel's queue (kill, throw, a bomb for the watchdog); it
     * is left paused. False if another thread's rendezvous took it first.
     */
    boolean unblock(Tasklet t) {
        lock();
        try {
            if (t.where != Scheduler.CHANNEL || t.channel != this) {
                return false;
            }
            dequeue(t);
            return true;
        } finally {
            unlock();
        }
    }

    /** Unlinks a queued tasklet; the lock is held. */
    private void dequeue(Tasklet t) {
        Tasklet p = t.prev;
        Tasklet n = t.next;
        if (p == null) {
            first = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            last = p;
        } else {
            n.prev = p;
        }
        balance -= t.blocked;
        t.next = null;
        t.prev = null;
        t.where = Scheduler.NOWHERE;
        t.channel = null;
        t.blocked = 0;
    }

    /** Senders waiting (positive) or receivers waiting (negative). */
    public int balance() {
        return balance;
    }

    /** -1: a send switches to a waiting receiver; +1: a receive switches to a waiting sender; 0: never switch. */
    public int preference() {
        return preference;
    }

    /** Sets the preference, clamped to its sign. */
    public void setPreference(int p) {
        preference = Integer.signum(p);
    }

    /** Whether a rendezvous queues the partner and switches to the next runnable tasklet. */
    public boolean scheduleAll() {
        return scheduleAll;
    }

    /** Sets schedule-all mode. */
    public void setScheduleAll(boolean on) {
        scheduleAll = on;
    }

    /** Forbids blocking on this channel from now on; waiting tasklets are not woken (spec §4.2). */
    public void close() {
        closing = true;
    }

    /** Allows blocking again. */
    public void open() {
        closing = false;
    }

    /** True after {@link #close()}. */
    public boolean isClosing() {
        return closing;
    }

    /** Closing and nobody waiting. */
    public boolean isClosed() {
        return closing && balance == 0;
    }

    /** The first waiting tasklet (follow {@link Tasklet#next()}), or null. */
    public Tasklet queue() {
        return first;
    }

    @Override
    public String toString() {
        return "Channel[balance=" + balance + ", preference=" + preference + (closing ? ", closing" : "") + "]";
    }
}
