package org.jstackless.internal.jfr;

import java.util.List;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.jstackless.internal.observe.Bridge;
import org.jstackless.observe.SchedulerMetrics;

/**
 * Registers the {@code jstackless.*} events with Flight Recorder, the periodic statistics, and a
 * listener that keeps {@link JfrFlags} equal to "enabled in some running recording" for the events
 * that hook hot paths. A change of settings inside a running recording (without a start or stop)
 * is seen at the next start or stop of any recording.
 */
public final class JfrSupport {
    private static final List<Class<? extends jdk.jfr.Event>> EVENTS = List.of(TaskletStartEvent.class,
            TaskletEndEvent.class, ChannelBlockedEvent.class, BlockingCallEvent.class, SwitchRefusedEvent.class,
            LongRunningTaskletEvent.class, PickleEvent.class, SchedulerStatisticsEvent.class,
            BlockingPoolStatisticsEvent.class);
    private static boolean installed;

    private JfrSupport() {
    }

    /** Whether Flight Recorder has been started in this JVM (a recording may be running). */
    public static boolean recorderStarted() {
        return FlightRecorder.isInitialized();
    }

    /** Once: registers the events, the periodic hooks and the listener. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        for (Class<? extends jdk.jfr.Event> c : EVENTS) {
            // Initialize first, outside Flight Recorder's metadata lock: register() takes that lock and
            // then waits for the class's initialization, while an event class being initialized on
            // another thread (its first event, e.g. the blocked-carrier detector's) registers itself
            // and waits for the same lock. Initialized beforehand, register() never waits inside it.
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            FlightRecorder.register(c);
        }
        FlightRecorder.addPeriodicEvent(SchedulerStatisticsEvent.class, JfrSupport::emitSchedulers);
        FlightRecorder.addPeriodicEvent(BlockingPoolStatisticsEvent.class, JfrSupport::emitBlockingPool);
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                refresh();
            }

            @Override
            public void recordingStateChanged(Recording recording) {
                RecordingState s = recording.getState();
                if (s == RecordingState.RUNNING || s == RecordingState.STOPPED || s == RecordingState.CLOSED) {
                    refresh();
                }
            }
        });
        refresh();
    }

    /** Recomputes {@link JfrFlags} from the running recordings' settings. */
    public static void refresh() {
        JfrFlags.taskletStart = enabled(TaskletStartEvent.class);
        JfrFlags.taskletEnd = enabled(TaskletEndEvent.class);
        boolean blocked = enabled(ChannelBlockedEvent.class);
        JfrFlags.channelBlocked = blocked;
        if (!blocked) {
            JfrHooks.forgetBlocked();
        }
        JfrFlags.blockingCall = enabled(BlockingCallEvent.class);
        org.jstackless.internal.observe.SetupHook.recompute();
    }

    private static boolean enabled(Class<? extends jdk.jfr.Event> c) {
        // EventType.isEnabled(): enabled in at least one running recording.
        return EventType.getEventType(c).isEnabled();
    }

    private static void emitSchedulers() {
        for (SchedulerMetrics m : Bridge.source().metrics()) {
            SchedulerStatisticsEvent e = new SchedulerStatisticsEvent();
            e.scheduler = m.getThread();
            e.alive = m.getAlive();
            e.runnable = m.getRunnable();
            e.blocked = m.getBlocked();
            e.waiting = m.getWaiting();
            e.switches = m.getSwitches();
            e.steals = m.getSteals();
            e.commit();
        }
    }

    private static void emitBlockingPool() {
        BlockingPoolStatisticsEvent e = new BlockingPoolStatisticsEvent();
        e.queued = Bridge.source().blockingQueued();
        e.active = Bridge.source().blockingActive();
        e.commit();
    }
}
