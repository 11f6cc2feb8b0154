package org.jstackless.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jstackless.Suspendable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableRuntimeTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** Side effects the bodies make, by key: counts how often each ran. */
    static final ConcurrentHashMap<String, AtomicInteger> EFFECTS = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    static int effect(String key) {
        return EFFECTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    static DurableRuntime open(Path dir) throws Exception {
        return DurableRuntime.builder(dir).allow(DurableRuntimeTest.class).open();
    }

    static int counter(int n) throws Suspendable {
        int sum = 0;
        for (int i = 1; i <= n; i++) {
            sum += i;
            Durable.checkpoint();
        }
        return sum;
    }

    @Test
    void aBodyRunsToItsResult() throws Exception {
        try (DurableRuntime rt = open(dir)) {
            assertThat(rt.start("sum", () -> counter(10))).isTrue();
            assertThat(rt.awaitDone("sum", WAIT).state()).isEqualTo(DurableState.FINISHED);
            assertThat(rt.<Integer>result("sum")).isEqualTo(55);
            assertThat(rt.info("sum").orElseThrow().seq()).isEqualTo(12); // start, 10 checkpoints, finish
            assertThat(rt.start("sum", () -> counter(3))).as("an id starts once").isFalse();
        }
    }

    static String parked(String key) throws Suspendable {
        effect(key + ":before");
        DurableChannel<String> ch = Durable.channel(key);
        String got = ch.receive();
        effect(key + ":after");
        return "got " + got + " in " + Durable.id();
    }

    static String sender(String key, String value) throws Suspendable {
        Durable.channel(key).send(value);
        return "sent";
    }

    @Test
    void aBlockedReceiverSurvivesARestartAndGetsTheValueOnce() throws Exception {
        String key = "restart-" + System.nanoTime();
        try (DurableRuntime rt = open(dir)) {
            rt.start("r", () -> parked(key));
            waitFor(rt, "r", DurableState.RECEIVING);
        }
        try (DurableRuntime rt = open(dir)) {
            assertThat(rt.info("r").orElseThrow().state()).isEqualTo(DurableState.RECEIVING);
            assertThat(rt.describe("r")).contains("RECEIVING on " + key).contains("DurableRuntimeTest.parked");
            rt.start("s", () -> sender(key, "hello"));
            assertThat(rt.awaitDone("r", WAIT).state()).isEqualTo(DurableState.FINISHED);
            assertThat(rt.<String>result("r")).isEqualTo("got hello in r");
            rt.awaitDone("s", WAIT);
        }
        assertThat(EFFECTS.get(key + ":before").get()).as("ran before the receive once").isEqualTo(1);
        assertThat(EFFECTS.get(key + ":after").get()).isEqualTo(1);
        try (DurableRuntime rt = open(dir)) {
            assertThat(rt.list()).extracting(DurableInfo::state).containsOnly(DurableState.FINISHED);
            assertThat(rt.purge("r")).isTrue();
            assertThat(rt.info("r")).isEmpty();
        }
    }

    static List<Integer> pipeline(String ch, int n) throws Suspendable {
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(Durable.<Integer>channel(ch).receive());
        }
        return got;
    }

    static String producer(String ch, int from, int n) throws Suspendable {
        for (int i = from; i < from + n; i++) {
            Durable.<Integer>channel(ch).send(i);
        }
        return "done";
    }

    @Test
    void manySendersOneReceiverEveryValueOnce() throws Exception {
        try (DurableRuntime rt = open(dir)) {
            rt.start("sink", () -> pipeline("c", 300));
            for (int p = 0; p < 3; p++) {
                int from = p * 100;
                rt.start("p" + p, () -> producer("c", from, 100));
            }
            rt.awaitDone("sink", WAIT);
            List<Integer> got = rt.result("sink");
            assertThat(got).hasSize(300).doesNotHaveDuplicates();
            assertThat(got).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 300).boxed().toList());
        }
    }

    static String sleeper() throws Suspendable {
        Durable.sleep(Duration.ofDays(3));
        return "woke";
    }

    @Test
    void aDurableTimerOfThreeDaysSurvivesRestartsHoldingNothing() throws Exception {
        AtomicLong now = new AtomicLong(Instant.parse("2026-12-04T00:00:00Z").toEpochMilli());
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        try (DurableRuntime rt = DurableRuntime.builder(dir).allow(DurableRuntimeTest.class).clock(clock).open()) {
            rt.start("nap", DurableRuntimeTest::sleeper);
            DurableInfo i = waitFor(rt, "nap", DurableState.SLEEPING);
            assertThat(i.wakeAt()).isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
        }
        now.addAndGet(Duration.ofDays(2).toMillis());
        try (DurableRuntime rt = DurableRuntime.builder(dir).allow(DurableRuntimeTest.class).clock(clock).open()) {
            assertThatThrownBy(() -> rt.awaitDone("nap", Duration.ofMillis(300))).isInstanceOf(TimeoutException.class);
            now.addAndGet(Duration.ofDays(1).toMillis());
            assertThat(rt.awaitDone("nap", WAIT).state()).isEqualTo(DurableState.FINISHED);
            assertThat(rt.<String>result("nap")).isEqualTo("woke");
        }
    }

    static int stepper(String key) throws Exception, Suspendable {
        int a = Durable.step(() -> effect(key)); // the side effect is recorded, not repeated
        Durable.channel(key).receive(); // parks here across the restart
        return a * 10;
    }

    @Test
    void aStepRunsOnceAndItsResultIsReplayed() throws Exception {
        String key = "step-" + System.nanoTime();
        try (DurableRuntime rt = open(dir)) {
            rt.start("st", () -> stepper(key));
            waitFor(rt, "st", DurableState.RECEIVING);
        }
        try (DurableRuntime rt = open(dir)) {
            rt.start("go", () -> sender(key, "go"));
            rt.awaitDone("st", WAIT);
            assertThat(rt.<Integer>result("st")).isEqualTo(10);
        }
        assertThat(EFFECTS.get(key).get()).isEqualTo(1);
    }

    static String thrower() throws Exception, Suspendable {
        Durable.checkpoint();
        throw new java.io.IOException("disk on fire");
    }

    static Object unpicklable() throws Suspendable {
        Object lock = new Object();
        try {
            Durable.checkpoint();
        } catch (org.jstackless.NotPicklableException e) {
            return "refused: " + (e.getMessage().contains("java.lang.Object") ? "names the class" : e.getMessage());
        }
        return lock.toString();
    }

    @Test
    void failuresAreKeptAndAnUnpicklableStateIsRefusedToTheTasklet() throws Exception {
        try (DurableRuntime rt = open(dir)) {
            rt.start("bad", DurableRuntimeTest::thrower);
            assertThat(rt.awaitDone("bad", WAIT).detail()).contains("disk on fire");
            assertThatThrownBy(() -> rt.result("bad")).hasMessageContaining("disk on fire");
            Thread notAllowed = Thread.currentThread();
            assertThatThrownBy(() -> rt.start("thread", () -> notAllowed.getName()))
                    .isInstanceOf(org.jstackless.NotPicklableException.class).hasMessageContaining("Thread");
            assertThat(rt.info("thread")).as("a refused start keeps nothing").isEmpty();
            rt.start("obj", DurableRuntimeTest::unpicklable);
            rt.awaitDone("obj", WAIT);
            assertThat(rt.<String>result("obj")).isEqualTo("refused: names the class");
        }
    }

    static String twoPhases(String key) throws Suspendable {
        effect(key + ":a");
        Durable.checkpoint();
        effect(key + ":b"); // at least once: runs again when the next checkpoint is lost
        return Durable.<String>channel(key).receive();
    }

    @Test
    void aTornLastCheckpointIsDetectedAndThePreviousOneResumes() throws Exception {
        String key = "torn-" + System.nanoTime();
        Path seg;
        try (DurableRuntime rt = open(dir)) {
            rt.start("t", () -> twoPhases(key));
            waitFor(rt, "t", DurableState.RECEIVING);
            seg = ((FileStore) rt.store()).segmentFile();
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(f.length() - 5); // the crash hit the write of the RECEIVING checkpoint
        }
        try (DurableRuntime rt = open(dir)) {
            assertThat(((FileStore) rt.store()).recoveryReport()).singleElement().asString().contains("torn");
            waitFor(rt, "t", DurableState.RECEIVING);
            rt.start("s", () -> sender(key, "after the tear"));
            rt.awaitDone("t", WAIT);
            assertThat(rt.<String>result("t")).isEqualTo("after the tear");
        }
        assertThat(EFFECTS.get(key + ":a").get()).as("before the last good checkpoint: once").isEqualTo(1);
        assertThat(EFFECTS.get(key + ":b").get()).as("after it: again").isEqualTo(2);
    }

    static int child(int i) throws Suspendable {
        Durable.<Integer>channel("children").send(i * i);
        return i;
    }

    static int parent(int n) throws Suspendable {
        for (int i = 1; i <= n; i++) {
            int ii = i;
            if (!Durable.start("child-" + i, () -> child(ii))) {
                throw new IllegalStateException("child-" + i + " existed");
            }
        }
        boolean again = Durable.start("child-1", () -> child(99));
        int sum = again ? -1000 : 0;
        for (int i = 1; i <= n; i++) {
            sum += Durable.<Integer>channel("children").receive();
        }
        return sum;
    }

    static DurableRuntime runtimeForTheBlockingCall;

    static String callsTheRuntime() throws Suspendable {
        try {
            runtimeForTheBlockingCall.list();
            return "not refused";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Test
    void aDurableTaskletStartsOthersInItsOwnCommit() throws Exception {
        try (DurableRuntime rt = open(dir)) {
            rt.start("parent", () -> parent(4));
            rt.awaitDone("parent", WAIT);
            assertThat(rt.<Integer>result("parent")).isEqualTo(1 + 4 + 9 + 16);
            for (int i = 1; i <= 4; i++) {
                assertThat(rt.awaitDone("child-" + i, WAIT).state()).isEqualTo(DurableState.FINISHED);
            }
            runtimeForTheBlockingCall = rt;
            rt.start("blocker", DurableRuntimeTest::callsTheRuntime);
            rt.awaitDone("blocker", WAIT);
            assertThat(rt.<String>result("blocker")).contains("Durable.start");
        }
    }

    static String cleansUp(String key, boolean sleep) throws Suspendable {
        try {
            if (sleep) {
                Durable.sleep(Duration.ofDays(3));
            } else {
                Durable.channel(key).receive();
            }
            return "not cancelled";
        } finally {
            effect(key + ":finally"); // no checkpoint here: the TaskletExit in flight is in this frame and does not pickle
        }
    }

    @Test
    void cancelRunsFinallyBlocksAndKillRunsNothing() throws Exception {
        String key = "cancel-" + System.nanoTime();
        try (DurableRuntime rt = open(dir)) {
            rt.start("receiver", () -> cleansUp(key + "r", false));
            rt.start("sleeper", () -> cleansUp(key + "s", true));
            rt.start("victim", () -> cleansUp(key + "v", false));
            waitFor(rt, "receiver", DurableState.RECEIVING);
            waitFor(rt, "sleeper", DurableState.SLEEPING);
            waitFor(rt, "victim", DurableState.RECEIVING);
            assertThat(rt.cancel("receiver")).isTrue();
            assertThat(rt.cancel("sleeper")).isTrue();
            assertThat(rt.kill("victim")).isTrue();
            for (String id : List.of("receiver", "sleeper")) {
                DurableInfo i = rt.awaitDone(id, WAIT);
                assertThat(i.state()).isEqualTo(DurableState.FAILED);
                assertThat(i.detail()).isEqualTo(Durable.CANCELLED);
            }
            assertThat(rt.awaitDone("victim", WAIT).detail()).isEqualTo("killed");
            assertThat(rt.cancel("receiver")).as("done: nothing to cancel").isFalse();
            assertThat(rt.kill("nobody")).isFalse();
        }
        assertThat(EFFECTS.get(key + "r:finally").get()).isEqualTo(1);
        assertThat(EFFECTS.get(key + "s:finally").get()).isEqualTo(1);
        assertThat(EFFECTS.get(key + "v:finally")).as("kill runs no finally").isNull();
    }

    @Test
    void aCancelIsCommittedBeforeItTakesEffect() throws Exception {
        String key = "cancel-restart-" + System.nanoTime();
        try (DurableRuntime rt = open(dir)) {
            rt.start("c", () -> cleansUp(key, false));
            waitFor(rt, "c", DurableState.RECEIVING);
            assertThat(rt.cancel("c")).isTrue();
        } // closed at once: the cancel may or may not have run yet
        try (DurableRuntime rt = open(dir)) {
            DurableInfo i = rt.awaitDone("c", WAIT);
            assertThat(i.state()).isEqualTo(DurableState.FAILED);
            assertThat(i.detail()).isEqualTo(Durable.CANCELLED);
        }
        assertThat(EFFECTS.get(key + ":finally").get()).isBetween(1, 2); // finally blocks: at least once
    }

    @Test
    void aCheckpointThisProgramCannotLoadWaitsListedWithTheReason() throws Exception {
        String key = "pinned-" + System.nanoTime();
        try (DurableRuntime rt = DurableRuntime.builder(dir).allow(DurableRuntimeTest.class, FencingTest.class).open()) {
            rt.start("old", () -> parked(key));
            waitFor(rt, "old", DurableState.RECEIVING);
        }
        // A program that may not run its frames (here: its code is restricted to FencingTest) cannot resume it.
        try (DurableRuntime rt = DurableRuntime.builder(dir).allow(FencingTest.class)
                .restrictCode(FencingTest.class.getName()).open()) {
            DurableInfo i = rt.info("old").orElseThrow();
            assertThat(i.state()).isEqualTo(DurableState.RECEIVING);
            assertThat(i.detail()).startsWith("cannot resume in this program:").contains("DurableRuntimeTest");
            rt.start("other", FencingTest.fortyTwo());
            assertThat(rt.awaitDone("other", WAIT).state()).as("the rest runs").isEqualTo(DurableState.FINISHED);
        }
        try (DurableRuntime rt = open(dir)) { // the matching program resumes it
            rt.start("s", () -> sender(key, "later"));
            rt.awaitDone("old", WAIT);
            assertThat(rt.<String>result("old")).isEqualTo("got later in old");
        }
    }

    @Test
    void durableCallsOutsideADurableTaskletAreRefused() {
        assertThatThrownBy(Durable::id).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DurableRuntime.start");
    }

    static DurableInfo waitFor(DurableRuntime rt, String id, DurableState st) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            var i = rt.info(id);
            if (i.isPresent() && i.get().state() == st) {
                return i.get();
            }
            Thread.sleep(5);
        }
        throw new AssertionError(id + " never reached " + st + ": " + rt.info(id));
    }
}
