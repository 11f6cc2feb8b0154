package org.jstackless;

import java.util.function.ToLongFunction;

/**
 * The CPU time a carrier thread has consumed, for {@link BlockedCarrierDetector}: it tells a
 * tasklet that really runs (its thread's CPU clock advances) from a carrier that the operating
 * system has descheduled on a loaded machine (wall time passes, CPU time does not).
 *
 * <p>Read through {@code ThreadMXBean.getThreadCpuTime}, which works for platform threads when the
 * JVM supports thread CPU time; a virtual thread, an absent {@code java.management} module or a JVM
 * without the clock give -1 ("unknown"), and the detector then falls back to wall time alone.
 */
final class CarrierCpu {
    private CarrierCpu() {
    }

    /** Nanoseconds of CPU used by a thread, or -1 if unknown. Tests replace it. */
    static volatile ToLongFunction<Thread> clock = defaultClock();

    static long of(Thread t) {
        return clock.applyAsLong(t);
    }

    private static ToLongFunction<Thread> defaultClock() {
        try {
            Class.forName("java.lang.management.ManagementFactory", false, null);
            return Mx.clock();
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return t -> -1;
        }
    }

    /** Loaded only when java.management is present. */
    private static final class Mx {
        static ToLongFunction<Thread> clock() {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            if (!mx.isThreadCpuTimeSupported()) {
                return t -> -1;
            }
            if (!mx.isThreadCpuTimeEnabled()) {
                try {
                    mx.setThreadCpuTimeEnabled(true);
                } catch (UnsupportedOperationException | SecurityException e) {
                    return t -> -1;
                }
            }
            return t -> t.isVirtual() ? -1 : mx.getThreadCpuTime(t.threadId());
        }
    }
}
