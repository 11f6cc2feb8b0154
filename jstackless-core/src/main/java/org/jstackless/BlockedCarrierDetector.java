package org.jstackless;

import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * Reports a tasklet that runs too long without switching (Go's sysmon, Reactor's BlockHound): while
 * it runs, nothing else of its scheduler runs and its sockets are not polled. One daemon thread
 * looks at every scheduler's switch counter every quarter of the threshold; a scheduler that has
 * other work (runnable tasklets, or tasklets waiting for a socket, a timer, a blocking call or a
 * future) and whose counter has not moved for the threshold,
 * while it is not idle, gets ONE warning for that stretch, naming the running tasklet and its
 * stack and the fixes. The switch path pays one field increment ({@code Scheduler.switches}).
 *
 * <p>Wall time alone is not evidence: on a loaded machine the operating system may deschedule a
 * carrier for longer than the threshold while its tasklet does nothing wrong. So a stretch is
 * reported only with evidence that the tasklet itself held the carrier ({@link #blocked}): its
 * thread consumed at least the threshold in CPU time ({@link CarrierCpu}), or it sits in a call
 * that does not suspend (its thread waits, sleeps or is blocked on a monitor, or is in a native
 * method such as a socket read: CPU time does not advance there, and waiting is the fault). Where
 * the CPU clock is unknown (a virtual-thread carrier, no {@code java.management}), wall time
 * decides, as before.
 *
 * <p>Configuration: {@code -Djstackless.detector.millis=N} (default 100); {@code 0} or
 * {@code -Djstackless.detector=off} turns it off (no thread is started).
 */
final class BlockedCarrierDetector {
    static final long THRESHOLD_MILLIS = "off".equals(System.getProperty("jstackless.detector"))
            ? 0 : Long.getLong("jstackless.detector.millis", 100);

    /** Where warnings go (tests replace it). */
    static volatile Consumer<String> sink = System.err::println;

    private static volatile Thread thread;

    /** What the detector last saw of one scheduler; detector thread only. */
    private static final class Seen {
        long switches = -1;
        long since;
        /** The carrier's CPU time at {@code since}, or -1 if unknown. */
        long cpuSince = -1;
        boolean warned;
    }

    /** Why a stretch past the threshold is reported, or null if there is no evidence (yet). */
    enum Evidence {
        /** No CPU clock for this carrier: wall time alone. */
        WALL,
        /** Its thread consumed the threshold in CPU time. */
        CPU,
        /** Its thread waits in a call that does not suspend (a monitor, a park, a sleep, a native call). */
        BLOCKED
    }

    /**
     * The decision (pure, for tests): a stretch of {@code cpuNanos} CPU time (-1: unknown) past the
     * threshold, with the carrier thread in {@code state} and, if RUNNABLE, {@code top} its top frame.
     * A RUNNABLE thread in Java code that has not used the threshold in CPU time is taken to be
     * descheduled by the operating system: no evidence yet (asked again at the next look).
     */
    static Evidence blocked(long cpuNanos, long thresholdNanos, Thread.State state, StackTraceElement top) {
        if (cpuNanos < 0) {
            return Evidence.WALL;
        }
        if (cpuNanos >= thresholdNanos) {
            return Evidence.CPU;
        }
        return switch (state) {
            case BLOCKED, WAITING, TIMED_WAITING -> Evidence.BLOCKED;
            // A native method, e.g. a socket read, blocks; System's clocks (native only while
            // interpreted) and Thread.yield do not: a thread descheduled there is not at fault.
            case RUNNABLE -> top != null && top.isNativeMethod() && !"java.lang.System".equals(top.getClassName())
                    && !"java.lang.Thread".equals(top.getClassName()) ? Evidence.BLOCKED : null;
            default -> null;
        };
    }

    private BlockedCarrierDetector() {
    }

    /** Starts the detector thread once, when the first scheduler is created (unless turned off). */
    static void start() {
        if (thread != null || THRESHOLD_MILLIS <= 0) {
            return;
        }
        synchronized (BlockedCarrierDetector.class) {
            if (thread == null) {
                thread = Thread.ofPlatform().name("jstackless-blocked-carrier-detector").daemon(true)
                        .start(BlockedCarrierDetector::loop);
            }
        }
    }

    private static void loop() {
        long threshold = Duration.ofMillis(THRESHOLD_MILLIS).toNanos();
        long period = Math.max(5, THRESHOLD_MILLIS / 4);
        Map<Scheduler, Seen> seen = new WeakHashMap<>();
        while (true) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Scheduler s : Registry.live()) {
                check(s, seen.computeIfAbsent(s, k -> new Seen()), now, threshold);
            }
        }
    }

    private static void check(Scheduler s, Seen seen, long now, long threshold) {
        long sw = s.switches + s.selfYields; // a lone tasklet's schedule() polls events too: progress
        Tasklet cur = s.current;
        // Only when someone is kept waiting: other runnable tasklets, or tasklets waiting for a socket,
        // a timer or a result that this thread would have to take in. A thread alone with its work
        // (or descheduled by a busy OS while alone) starves nobody.
        boolean busy = !s.closed && cur != null && !s.inbox.isParked() && (s.runCount > 1 || s.waits.waiting > 0);
        Thread th = s.carrier.thread();
        if (sw != seen.switches || !busy) {
            seen.switches = busy ? sw : -1;
            seen.since = now;
            seen.cpuSince = busy ? CarrierCpu.of(th) : -1;
            seen.warned = false;
            return;
        }
        long ran = now - seen.since;
        if (ran < threshold || seen.warned) {
            return;
        }
        long cpuNow = seen.cpuSince < 0 ? -1 : CarrierCpu.of(th);
        long cpu = cpuNow < 0 ? -1 : cpuNow - seen.cpuSince;
        StackTraceElement[] stack = null;
        Thread.State state = th.getState();
        if (cpu >= 0 && cpu < threshold && state == Thread.State.RUNNABLE) {
            stack = th.getStackTrace();
        }
        Evidence why = blocked(cpu, threshold, state, stack == null || stack.length == 0 ? null : stack[0]);
        if (why == null) {
            return; // descheduled, not hogging: look again next time (the stretch goes on)
        }
        seen.warned = true;
        org.jstackless.internal.jfr.JfrHooks.longRunning(cur.id, th, ran); // jstackless.LongRunningTasklet
        StringBuilder b = new StringBuilder();
        b.append("jstackless: ").append(cur).append(" has run for ").append(ran / 1_000_000)
                .append(" ms on thread \"").append(th.getName()).append("\" without switching (")
                .append(switch (why) {
                    case CPU -> "using " + cpu / 1_000_000 + " ms of CPU";
                    case BLOCKED -> "blocked in a call that does not suspend, " + cpu / 1_000_000 + " ms of CPU";
                    case WALL -> "wall time; the thread's CPU time is not available";
                })
                .append("); the other ")
                .append(s.runCount - 1 + s.waits.waiting).append(" tasklet(s) of that scheduler cannot run and its sockets are ")
                .append("not polled meanwhile. If it waits in a call that does not suspend, use org.jstackless.net sockets ")
                .append("for network I/O or Stackless.blocking(...) for other blocking calls; if it computes, call ")
                .append("Stackless.schedule() now and then. (Reported once per stretch; -Djstackless.detector=off turns this off.) ")
                .append("Its stack:");
        for (StackTraceElement e : stack != null ? stack : th.getStackTrace()) {
            b.append("\n\tat ").append(e);
        }
        sink.accept(b.toString());
    }
}
