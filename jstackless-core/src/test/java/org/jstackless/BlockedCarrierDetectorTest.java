package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a tasklet that runs past the threshold (100 ms by default) without switching gets
 * exactly one warning naming it, its stack and the fixes; tasklets that switch get none.
 */
class BlockedCarrierDetectorTest {

    static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() - end < 0) {
            x++;
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    @Test
    void aTaskletThatNeverSwitchesGetsExactlyOneWarning() throws Throwable {
        assertThat(BlockedCarrierDetector.THRESHOLD_MILLIS).as("the detector is on by default").isEqualTo(100);
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        Consumer<String> old = BlockedCarrierDetector.sink;
        BlockedCarrierDetector.sink = warnings::add;
        java.nio.file.Path jfr = java.nio.file.Files.createTempFile("detector", ".jfr");
        long[] hogId = new long[1];
        try (Recording rec = new Recording()) {
            rec.enable("jstackless.LongRunningTasklet");
            rec.start();
            Stackless.runAsMain(() -> {
                Tasklet hog = Tasklet.spawn(BlockedCarrierDetectorTest::hogTheCarrier);
                hogId[0] = hog.id;
                Tasklet polite = Tasklet.spawn(() -> {
                    long end = System.nanoTime() + 600_000_000L;
                    while (System.nanoTime() - end < 0) {
                        spin(1);
                        Stackless.schedule(); // switches every millisecond: never reported
                    }
                });
                Stackless.run();
                assertThat(hog.isAlive()).isFalse();
                assertThat(polite.isAlive()).isFalse();
                List<String> mine = warnings.stream().filter(w -> w.contains(hog.toString())).toList();
                assertThat(mine).hasSize(1);
                assertThat(mine.get(0)).contains("without switching", "hogTheCarrier", "org.jstackless.net",
                        "Stackless.blocking", "Stackless.schedule()");
                assertThat(warnings.stream().filter(w -> w.contains(polite.toString()))).isEmpty();
            });
            rec.stop();
            rec.dump(jfr);
            // The same stretch is a jstackless.LongRunningTasklet event naming the hog and its carrier.
            List<RecordedEvent> events = RecordingFile.readAllEvents(jfr).stream()
                    .filter(e -> e.getEventType().getName().equals("jstackless.LongRunningTasklet")
                            && e.getLong("taskletId") == hogId[0]).toList();
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getString("carrier")).isEqualTo(Thread.currentThread().getName());
            assertThat(events.get(0).getLong("ranFor")).isGreaterThanOrEqualTo(100_000_000L);
        } finally {
            java.nio.file.Files.deleteIfExists(jfr);
            BlockedCarrierDetector.sink = old;
        }
    }

    @Test
    void onlyCpuOrABlockingCallIsEvidence() {
        long th = 100_000_000L;
        StackTraceElement java = new StackTraceElement("app.Loop", "step", "Loop.java", 12);
        StackTraceElement read = new StackTraceElement("sun.nio.ch.Net", "poll", null, -2); // -2: native
        StackTraceElement clock = new StackTraceElement("java.lang.System", "nanoTime", null, -2);
        assertThat(BlockedCarrierDetector.blocked(-1, th, Thread.State.RUNNABLE, java))
                .isEqualTo(BlockedCarrierDetector.Evidence.WALL);
        assertThat(BlockedCarrierDetector.blocked(th, th, Thread.State.RUNNABLE, java))
                .isEqualTo(BlockedCarrierDetector.Evidence.CPU);
        // Descheduled by the OS: runnable in Java code, little CPU used: not (yet) reported.
        assertThat(BlockedCarrierDetector.blocked(th / 10, th, Thread.State.RUNNABLE, java)).isNull();
        assertThat(BlockedCarrierDetector.blocked(0, th, Thread.State.RUNNABLE, clock)).isNull();
        assertThat(BlockedCarrierDetector.blocked(0, th, Thread.State.RUNNABLE,
                new StackTraceElement("java.lang.Thread", "yield0", null, -2))).isNull();
        assertThat(BlockedCarrierDetector.blocked(0, th, Thread.State.RUNNABLE, read))
                .isEqualTo(BlockedCarrierDetector.Evidence.BLOCKED);
        assertThat(BlockedCarrierDetector.blocked(0, th, Thread.State.TIMED_WAITING, java))
                .isEqualTo(BlockedCarrierDetector.Evidence.BLOCKED);
        assertThat(BlockedCarrierDetector.blocked(0, th, Thread.State.WAITING, java))
                .isEqualTo(BlockedCarrierDetector.Evidence.BLOCKED);
    }

    @Test
    void aCarrierWhoseCpuClockStandsStillIsNotReported() throws Throwable {
        // What a descheduled carrier looks like to the detector: wall time passes, its CPU time does
        // not, and its stack is in Java code. The clock is frozen to play the operating system's part.
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        Consumer<String> old = BlockedCarrierDetector.sink;
        var oldClock = CarrierCpu.clock;
        BlockedCarrierDetector.sink = warnings::add;
        CarrierCpu.clock = t -> 0;
        try {
            Stackless.runAsMain(() -> {
                Tasklet hog = Tasklet.spawn(() -> spin(500));
                Tasklet other = Tasklet.spawn(() -> { });
                Stackless.run();
                assertThat(warnings.stream().filter(w -> w.contains(hog.toString()))).isEmpty();
                assertThat(other.isAlive()).isFalse();
            });
        } finally {
            CarrierCpu.clock = oldClock;
            BlockedCarrierDetector.sink = old;
        }
    }

    @Test
    void aTaskletSleepingOnItsCarrierIsReportedOnceWithoutUsingCpu() throws Throwable {
        assertThat(CarrierCpu.of(Thread.currentThread())).as("thread CPU time is available here").isGreaterThanOrEqualTo(0);
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        Consumer<String> old = BlockedCarrierDetector.sink;
        BlockedCarrierDetector.sink = warnings::add;
        try {
            Stackless.runAsMain(() -> {
                Tasklet sleeper = Tasklet.spawn(() -> Thread.sleep(600)); // blocks the carrier, no CPU
                Tasklet other = Tasklet.spawn(() -> { });
                Stackless.run();
                List<String> mine = warnings.stream().filter(w -> w.contains(sleeper.toString())).toList();
                assertThat(mine).hasSize(1);
                assertThat(mine.get(0)).contains("blocked in a call that does not suspend", "sleep");
                assertThat(other.isAlive()).isFalse();
            });
        } finally {
            BlockedCarrierDetector.sink = old;
        }
    }

    @Test
    void aLoneTaskletThatKeepsYieldingIsNotReported() throws Throwable {
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        Consumer<String> old = BlockedCarrierDetector.sink;
        BlockedCarrierDetector.sink = warnings::add;
        try {
            Stackless.runAsMain(() -> {
                // The sleeper waits for a timer, so the scheduler has work besides the yielder; the
                // yielder's schedule() returns to itself (nothing else is runnable), but the timer is
                // looked at there, so nobody is starved and nothing is reported.
                long[] woke = new long[1];
                Tasklet sleeper = Tasklet.spawn(() -> {
                    Stackless.sleep(java.time.Duration.ofMillis(300));
                    woke[0] = System.nanoTime();
                });
                Tasklet yielder = Tasklet.spawn(() -> {
                    Stackless.schedule(); // let the sleeper start sleeping
                    long end = System.nanoTime() + 600_000_000L;
                    while (System.nanoTime() - end < 0) {
                        spin(1);
                        Stackless.schedule();
                    }
                });
                Stackless.run();
                assertThat(sleeper.isAlive()).isFalse();
                assertThat(yielder.isAlive()).isFalse();
                assertThat(woke[0]).as("the sleeper woke while the yielder ran").isNotZero();
                assertThat(warnings.stream().filter(w -> w.contains(yielder.toString()))).isEmpty();
            });
        } finally {
            BlockedCarrierDetector.sink = old;
        }
    }

    private static void hogTheCarrier() {
        spin(800); // eight thresholds, one stretch: one warning
    }
}
