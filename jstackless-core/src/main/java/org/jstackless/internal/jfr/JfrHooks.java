package org.jstackless.internal.jfr;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the runtime's hooks commit JFR events. Callers on hot paths test a {@link JfrFlags} flag
 * first; the others call in directly, and each method checks that its event is enabled before it
 * builds anything. Arguments are plain values (or {@code Object}), so callers do not link against
 * {@code jdk.jfr}; this class is only loaded when an event is about to be committed, and
 * {@link #PRESENT} keeps the unflagged hooks away from {@code jdk.jfr} when that module is absent.
 */
public final class JfrHooks {
    /** Whether {@code jdk.jfr} can be used here at all. */
    public static final boolean PRESENT = present();

    /** Tasklets blocked on a channel while {@link JfrFlags#channelBlocked} was on: their pending events. */
    private static final ConcurrentHashMap<Object, ChannelBlockedEvent> BLOCKED = new ConcurrentHashMap<>();

    private JfrHooks() {
    }

    private static boolean present() {
        try {
            Class.forName("jdk.jfr.Event", false, JfrHooks.class.getClassLoader());
            return ModuleLayer.boot().findModule("jdk.jfr").isPresent();
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    public static void taskletStart(long id, boolean soft) {
        TaskletStartEvent e = new TaskletStartEvent();
        if (e.isEnabled()) {
            e.taskletId = id;
            e.soft = soft;
            e.commit();
        }
    }

    public static void taskletEnd(long id, boolean failed) {
        TaskletEndEvent e = new TaskletEndEvent();
        if (e.isEnabled()) {
            e.taskletId = id;
            e.failed = failed;
            e.commit();
        }
    }

    /** {@code tasklet} joined {@code channel}'s queue (the channel's lock is held). */
    public static void blockBegin(Object tasklet, long id, Object channel, int dir) {
        ChannelBlockedEvent e = new ChannelBlockedEvent();
        if (e.isEnabled()) {
            e.taskletId = id;
            e.channel = "Channel@" + Integer.toHexString(System.identityHashCode(channel));
            e.sending = dir > 0;
            e.begin();
            BLOCKED.put(tasklet, e);
        }
    }

    /** {@code tasklet} left its channel's queue. */
    public static void blockEnd(Object tasklet) {
        ChannelBlockedEvent e = BLOCKED.remove(tasklet);
        if (e != null) {
            e.end();
            if (e.shouldCommit()) {
                e.commit();
            }
        }
    }

    /** The recordings changed so that channel blocking is no longer recorded: forget pending events. */
    static void forgetBlocked() {
        BLOCKED.clear();
    }

    /** A blocking call submitted at nanoTime {@code submitted} got its permit and starts; null if the event is off. */
    public static Object blockingBegin(long submitted) {
        BlockingCallEvent e = new BlockingCallEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.queued = Math.max(0, System.nanoTime() - submitted);
        e.begin();
        return e;
    }

    /** The blocking call begun with {@link #blockingBegin} returned. */
    public static void blockingEnd(Object event, long taskletId, Object call, boolean failed) {
        BlockingCallEvent e = (BlockingCallEvent) event;
        e.end();
        if (e.shouldCommit()) {
            e.taskletId = taskletId;
            e.callable = call.getClass().getName();
            e.failed = failed;
            e.commit();
        }
    }

    /** A soft switch of tasklet {@code taskletId} (-1: the running one) was refused ({@code deferred}: carried out otherwise) at {@code frame}. */
    public static void switchRefused(long taskletId, String frame, boolean deferred) {
        if (!PRESENT) {
            return;
        }
        SwitchRefusedEvent e = new SwitchRefusedEvent();
        if (e.isEnabled()) {
            e.taskletId = taskletId >= 0 ? taskletId : org.jstackless.internal.observe.Bridge.source().currentTaskletId();
            e.frame = frame;
            e.deferred = deferred;
            e.commit();
        }
    }

    /**
     * For the blocked-carrier detector: {@code carrier} ran tasklet {@code taskletId} for
     * {@code ranForNanos} without a switch, longer than its threshold.
     */
    public static void longRunning(long taskletId, Thread carrier, long ranForNanos) {
        if (!PRESENT) {
            return;
        }
        LongRunningTaskletEvent e = new LongRunningTaskletEvent();
        if (e.isEnabled()) {
            e.taskletId = taskletId;
            e.carrier = carrier.getName();
            e.ranFor = ranForNanos;
            e.commit();
        }
    }

    /** The start of a pickle operation: a token for {@link #pickled}, or null when the event is off. */
    public static Object pickleBegin() {
        if (!PRESENT) {
            return null;
        }
        PickleEvent e = new PickleEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        return e;
    }

    /** The pickle operation begun with {@link #pickleBegin} ended ({@code token} may be null: then nothing). */
    public static void pickled(Object token, String operation, long taskletId, long size, int frames) {
        if (token instanceof PickleEvent e) {
            e.end();
            if (e.shouldCommit()) {
                e.operation = operation;
                e.taskletId = taskletId;
                e.size = size;
                e.frames = frames;
                e.commit();
            }
        }
    }
}
