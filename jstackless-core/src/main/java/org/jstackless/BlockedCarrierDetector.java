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
        boolean warned;
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
        long sw = s.switches;
        Tasklet cur = s.current;
        // Only when someone is kept waiting: other runnable tasklets, or tasklets waiting for a socket,
        // a timer or a result that this thread would have to take in. A thread alone with its work
        // (or descheduled by a busy OS while alone) starves nobody.
        boolean busy = !s.closed && cur != null && !s.inbox.isParked() && (s.runCount > 1 || s.waits.waiting > 0);
        if (sw != seen.switches || !busy) {
            seen.switches = busy ? sw : -1;
            seen.since = now;
            seen.warned = false;
            return;
        }
        long ran = now - seen.since;
        if (ran < threshold || seen.warned) {
            return;
        }
        seen.warned = true;
        Thread th = s.carrier.thread();
        org.jstackless.internal.jfr.JfrHooks.longRunning(cur.id, th, ran); // jstackless.LongRunningTasklet
        StringBuilder b = new StringBuilder();
        b.append("jstackless: ").append(cur).append(" has run for ").append(ran / 1_000_000)
                .append(" ms on thread \"").append(th.getName()).append("\" without switching; the other ")
                .append(s.runCount - 1 + s.waits.waiting).append(" tasklet(s) of that scheduler cannot run and its sockets are ")
                .append("not polled meanwhile. If it waits in a call that does not suspend, use org.jstackless.net sockets ")
                .append("for network I/O or Stackless.blocking(...) for other blocking calls; if it computes, call ")
                .append("Stackless.schedule() now and then. (Reported once per stretch; -Djstackless.detector=off turns this off.) ")
                .append("Its stack:");
        for (StackTraceElement e : th.getStackTrace()) {
            b.append("\n\tat ").append(e);
        }
        sink.accept(b.toString());
    }
}
