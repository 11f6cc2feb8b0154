package org.jstackless.internal.observe;

import java.util.List;
import org.jstackless.observe.SchedulerMetrics;
import org.jstackless.observe.TaskletDump;

/**
 * How the observation code reaches the scheduler internals, which are package-private in
 * {@code org.jstackless}: that package installs a {@link Source} here when its probe class is
 * initialized. Also starts the JMX and JFR registrations once, when the first scheduler starts.
 */
public final class Bridge {
    /** What {@code org.jstackless} offers the observers. */
    public interface Source {
        /** A dump of every live scheduler, waiting at most {@code waitMillis} for each busy one's own thread. */
        TaskletDump capture(long waitMillis);

        /** Each live scheduler's counts, read without stopping it. */
        List<SchedulerMetrics> metrics();

        /** The id of the tasklet running on the calling thread, or -1 when none. */
        long currentTaskletId();

        /** Blocking calls queued for a permit. */
        int blockingQueued();

        /** Blocking calls running. */
        int blockingActive();
    }

    private static volatile Source source;
    private static volatile boolean started;

    private Bridge() {
    }

    /** Called once by {@code org.jstackless}'s probe. */
    public static void install(Source s) {
        source = s;
    }

    /** The source, initializing the probe class on first use. */
    public static Source source() {
        Source s = source;
        if (s == null) {
            try {
                Class.forName("org.jstackless.Probe", true, Bridge.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jstackless-core is incomplete: org.jstackless.Probe is missing", e);
            }
            s = source;
        }
        return s;
    }

    /** A scheduler started: the first time, registers the MBean and the JFR hooks (in the background). */
    public static void schedulerStarted() {
        if (!started) {
            startObservers(false);
        }
    }

    /**
     * Registers the MBean and the JFR hooks now if not done yet; with {@code wait}, returns only when
     * they are in place. Off with {@code -Djstackless.observe=false}.
     */
    public static synchronized void startObservers(boolean wait) {
        if (!started) {
            started = true;
            if (!Boolean.parseBoolean(System.getProperty("jstackless.observe", "true"))) {
                return;
            }
            if (org.jstackless.internal.jfr.JfrHooks.PRESENT && org.jstackless.internal.jfr.JfrSupport.recorderStarted()) {
                // A recording runs from the JVM's start (-XX:StartFlightRecording): hook it in before the
                // first tasklet, so that it sees their events from the beginning.
                org.jstackless.internal.jfr.JfrSupport.install();
            }
            Thread t = Thread.ofPlatform().daemon(true).name("jstackless-observe-init").unstarted(Observers::start);
            t.start();
            if (wait) {
                Observers.awaitStarted();
            }
        } else if (wait) {
            Observers.awaitStarted();
        }
    }

    /** The name of this copy's {@code TaskletsMXBean} (the plain name unless another copy took it), or null. */
    public static javax.management.ObjectName mbeanName() {
        return TaskletsBean.registered;
    }
}
