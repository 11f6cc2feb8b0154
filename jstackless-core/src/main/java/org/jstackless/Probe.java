package org.jstackless;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jstackless.internal.observe.Bridge;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.CoreFrames;
import org.jstackless.observe.ChannelInfo;
import org.jstackless.observe.SchedulerInfo;
import org.jstackless.observe.SchedulerMetrics;
import org.jstackless.observe.TaskletDump;
import org.jstackless.observe.TaskletInfo;
import org.jstackless.observe.TaskletState;

/**
 * Reads the schedulers' state for dumps and metrics (the {@link Bridge.Source} of the observe
 * packages). Keeps nothing per tasklet: a scheduler's tasklets are found in its run queue, its
 * {@code waits}, its watchdogs, and the queues of the channels {@link ChannelsSeen} knows.
 *
 * <p>A dump describes each scheduler on the scheduler's own thread when it can: a {@link Snapshot}
 * posted to its inbox runs at its next switch or while it idles, where its fields are stable and its
 * hard tasklets' continuations are not mounted. A scheduler whose thread does not take the snapshot
 * within the wait is read from the dumping thread; every walk there is bounded and any exception
 * from a changing structure is swallowed, so a dump never hangs or breaks the program.
 */
final class Probe implements Bridge.Source {
    /** A bound on any walk of a structure another thread may be changing. */
    private static final int MAX_WALK = 10_000_000;

    static {
        Bridge.install(new Probe());
    }

    private Probe() {
    }

    /** A request, run by the scheduler's own thread from its inbox, to describe itself. */
    static final class Snapshot {
        private final List<Channel<?>> channels;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile SchedulerInfo result;

        Snapshot(List<Channel<?>> channels) {
            this.channels = channels;
        }

        /** Owner thread: describes {@code s} unless the dumping thread gave up waiting and read it itself. */
        void take(Scheduler s) {
            if (claimed.compareAndSet(false, true)) {
                try {
                    result = describe(s, channels, true);
                } catch (Throwable e) {
                    // a dump must never break the scheduler that is being described
                } finally {
                    done.countDown();
                }
            }
        }
    }

    @Override
    public TaskletDump capture(long waitMillis) {
        Instant time = Instant.now();
        List<Scheduler> all = Registry.all();
        List<Channel<?>> chans = ChannelsSeen.withWaiters();
        Carrier me = Carrier.peek();
        Snapshot[] snaps = new Snapshot[all.size()];
        for (int i = 0; i < snaps.length; i++) {
            Scheduler s = all.get(i);
            if (s.carrier != me) {
                snaps[i] = new Snapshot(chans);
                s.inbox.post(snaps[i]);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        List<SchedulerInfo> out = new ArrayList<>();
        for (int i = 0; i < snaps.length; i++) {
            Scheduler s = all.get(i);
            Snapshot snap = snaps[i];
            SchedulerInfo info;
            if (snap == null) {
                info = describe(s, chans, true);
            } else {
                await(snap.done, deadline - System.nanoTime());
                if (snap.claimed.compareAndSet(false, true)) {
                    info = s.closed ? null : describe(s, chans, false); // it ended meanwhile: nothing left
                } else {
                    await(snap.done, TimeUnit.SECONDS.toNanos(5)); // the owner is describing itself: it is quick
                    info = snap.result;
                    if (info == null && !s.closed) {
                        info = describe(s, chans, false); // the owner's attempt failed: read it from here
                    }
                }
            }
            if (info != null) {
                out.add(info);
            }
        }
        List<ChannelInfo> channels = new ArrayList<>();
        for (Channel<?> ch : chans) {
            List<Long> ids = new ArrayList<>();
            int balance;
            ch.lock();
            try {
                balance = ch.balance();
                for (Waiter w = ch.firstWaiter(); w != null && ids.size() < MAX_WALK; w = w.after) {
                    ids.add(w.tasklet().id);
                }
            } finally {
                ch.unlock();
            }
            if (!ids.isEmpty()) {
                channels.add(new ChannelInfo(name(ch), balance, ch.preference(), ch.isClosing(), List.copyOf(ids)));
            }
        }
        return new TaskletDump(time, List.copyOf(out), List.copyOf(channels), BlockingPool.QUEUED.get(),
                BlockingPool.ACTIVE.get());
    }

    private static void await(CountDownLatch l, long nanos) {
        try {
            if (nanos > 0) {
                l.await(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String name(Channel<?> ch) {
        return "Channel@" + Integer.toHexString(System.identityHashCode(ch));
    }

    /** One scheduler's tasklets; {@code owner}: called on its own thread, between switches. */
    static SchedulerInfo describe(Scheduler s, List<Channel<?>> chans, boolean owner) {
        Thread th = s.carrier.thread();
        Map<Tasklet, TaskletInfo> seen = new IdentityHashMap<>();
        List<TaskletInfo> list = new ArrayList<>();
        Tasklet cur = s.current;
        try {
            Tasklet h = s.head;
            Tasklet t = h;
            int n = 0;
            while (t != null && n++ < MAX_WALK) {
                add(s, seen, list, t, t == cur ? TaskletState.RUNNING : TaskletState.SCHEDULED, "", null, owner);
                t = t.next;
                if (t == h) {
                    break;
                }
            }
        } catch (RuntimeException raced) {
            // the ring changed under a reader on another thread: what was read so far stands
        }
        try {
            Wait[] waits = s.waits.allWaits(Math.max(16, s.waits.waiting * 2 + 16)).toArray(new Wait[0]);
            long now = System.nanoTime();
            for (Wait w : waits) {
                if (w == null) {
                    continue;
                }
                TaskletState st;
                String detail;
                if (w.isTimer()) {
                    st = TaskletState.SLEEPING;
                    detail = "wakes in " + Math.max(0, TimeUnit.NANOSECONDS.toMillis(w.deadline - now)) + " ms";
                } else if (w.future) {
                    st = TaskletState.AWAITING;
                    detail = "waits for a future";
                } else {
                    st = TaskletState.BLOCKING;
                    detail = w.isStarted() ? "its call runs on the blocking pool" : "its call waits for a permit of the blocking pool";
                }
                add(s, seen, list, w.tasklet, st, detail, null, owner);
            }
        } catch (RuntimeException raced) {
            // the waits changed under a reader on another thread
        }
        for (Channel<?> ch : chans) {
            List<Tasklet> mine = new ArrayList<>();
            List<Boolean> sends = new ArrayList<>();
            int balance;
            ch.lock();
            try {
                balance = ch.balance();
                int n = 0;
                for (Waiter w = ch.firstWaiter(); w != null && n++ < MAX_WALK; w = w.after) {
                    if (w.tasklet().sched == s) {
                        mine.add(w.tasklet());
                        sends.add(w.dir > 0);
                    }
                }
            } finally {
                ch.unlock();
            }
            String name = name(ch);
            for (int i = 0; i < mine.size(); i++) {
                Tasklet t = mine.get(i);
                boolean sending = sends.get(i);
                add(s, seen, list, t, sending ? TaskletState.BLOCKED_SENDING : TaskletState.BLOCKED_RECEIVING,
                        (sending ? "sending on " : "receiving on ") + name + " (balance " + balance + ")", name, owner);
            }
        }
        if (cur != null && !seen.containsKey(cur)) {
            add(s, seen, list, cur, TaskletState.RUNNING, "", null, owner);
        }
        try {
            Tasklet[] wds = s.watchdogs.toArray(new Tasklet[0]);
            for (Tasklet w : wds) {
                add(s, seen, list, w, TaskletState.PAUSED, "inside Stackless.run()", null, owner);
            }
        } catch (RuntimeException raced) {
            // the watchdog stack changed under a reader on another thread
        }
        add(s, seen, list, s.main, TaskletState.PAUSED, "", null, owner);
        if (org.jstackless.internal.observe.SetupHook.tracking()) {
            for (Object o : org.jstackless.internal.observe.SetupHook.tracked()) {
                if (o instanceof Tasklet t && t.sched == s && t.where == States.NOWHERE) {
                    add(s, seen, list, t, TaskletState.PAUSED, "paused (tracked)", null, owner);
                }
            }
        }
        list.sort(Comparator.comparingInt((TaskletInfo i) -> i.state().ordinal()));
        String kind = isCarrier(s) ? "carrier" : "thread";
        return new SchedulerInfo(th.getName(), th.threadId(), kind, owner, s.switches, s.steals, List.copyOf(list));
    }

    private static void add(Scheduler s, Map<Tasklet, TaskletInfo> seen, List<TaskletInfo> list, Tasklet t,
            TaskletState state, String detail, String channel, boolean owner) {
        if (t == null || seen.containsKey(t) || !t.isAlive()) {
            return;
        }
        StackTraceElement[] stack;
        if (t.isMain() && isCarrier(s) && channel == null) {
            detail = "the carrier's own loop"; // its frames are jstackless's, not the user's
            stack = new StackTraceElement[0];
        } else {
            stack = stack(s, t, state, owner);
        }
        TaskletInfo info = new TaskletInfo(t.id, state, t.isMain(), t.isSoft(), t.isAtomic(), detail, channel,
                List.of(stack));
        seen.put(t, info);
        list.add(info);
    }

    private static boolean isCarrier(Scheduler s) {
        return s.carrier.thread().getName().startsWith("jstackless-carrier-");
    }

    /** The user's frames of {@code t}, innermost first (see {@link TaskletInfo#stack()}). */
    private static StackTraceElement[] stack(Scheduler s, Tasklet t, TaskletState state, boolean owner) {
        try {
            if (state == TaskletState.RUNNING) {
                // Its frames are the thread's: the part above the carrier's loop (a strand), or all (main).
                StackTraceElement[] st = threadStack(s);
                int first = firstLoop(st);
                if (!t.isMain() && first >= 0) {
                    st = Arrays.copyOfRange(st, 0, first);
                }
                return CoreFrames.userPart(st);
            }
            if (t.isMain()) {
                // A suspended main's frames are the thread stack's, below the loop running the others.
                StackTraceElement[] st = threadStack(s);
                int loop = lastLoop(st);
                return loop < 0 ? new StackTraceElement[0] : CoreFrames.userPart(Arrays.copyOfRange(st, loop + 1, st.length));
            }
            var strand = t.strand;
            if (strand == null || (!strand.isSoft() && !owner)) {
                return new StackTraceElement[0];
            }
            return t.suspendedStackTrace();
        } catch (RuntimeException raced) {
            return new StackTraceElement[0];
        }
    }

    private static StackTraceElement[] threadStack(Scheduler s) {
        Thread th = s.carrier.thread();
        StackTraceElement[] st = th.getStackTrace();
        if (th == Thread.currentThread()) {
            int i = 0;
            while (i < st.length && st[i].getClassName().equals("java.lang.Thread")) {
                i++;
            }
            st = Arrays.copyOfRange(st, i, st.length);
        }
        return st;
    }

    private static boolean isLoop(StackTraceElement e) {
        return e.getClassName().equals("org.jstackless.internal.switching.Carrier") && e.getMethodName().equals("loop");
    }

    private static int lastLoop(StackTraceElement[] st) {
        for (int i = st.length - 1; i >= 0; i--) {
            if (isLoop(st[i])) {
                return i;
            }
        }
        return -1;
    }

    private static int firstLoop(StackTraceElement[] st) {
        for (int i = 0; i < st.length; i++) {
            if (isLoop(st[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public List<SchedulerMetrics> metrics() {
        List<Scheduler> all = Registry.all();
        Map<Scheduler, long[]> blocked = new IdentityHashMap<>();
        for (Channel<?> ch : ChannelsSeen.withWaiters()) {
            ch.lock();
            try {
                int n = 0;
                for (Waiter w = ch.firstWaiter(); w != null && n++ < MAX_WALK; w = w.after) {
                    blocked.computeIfAbsent(w.tasklet().sched, k -> new long[1])[0]++;
                }
            } finally {
                ch.unlock();
            }
        }
        List<SchedulerMetrics> l = new ArrayList<>();
        for (Scheduler s : all) {
            long b = blocked.getOrDefault(s, new long[1])[0];
            long runnable = Math.max(0, s.runCount);
            long waiting = Math.max(0, s.waits.waiting);
            long alive = runnable + b + waiting + s.watchdogs.size();
            l.add(new SchedulerMetrics(s.carrier.thread().getName(), alive, runnable, b, waiting, s.switches, s.steals));
        }
        return l;
    }

    @Override
    public long currentTaskletId() {
        Carrier c = Carrier.peek();
        Tasklet t = c != null && c.tasklets() instanceof Scheduler s ? s.current : null;
        return t == null ? -1 : t.id;
    }

    @Override
    public int blockingQueued() {
        return BlockingPool.QUEUED.get();
    }

    @Override
    public int blockingActive() {
        return BlockingPool.ACTIVE.get();
    }
}
