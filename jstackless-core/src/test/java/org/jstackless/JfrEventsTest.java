package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.jstackless.internal.jfr.JfrFlags;
import org.jstackless.internal.jfr.JfrHooks;
import org.jstackless.internal.observe.Bridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each {@code jstackless.*} event is recorded with its fields, and read back with {@link RecordingFile}. */
class JfrEventsTest {
    static final byte[] KEY = "jfr-events-test-signing-key".getBytes(StandardCharsets.UTF_8);

    static void recv(Channel<String> ch) throws Suspendable {
        ch.receive();
    }

    @Test
    void everyEventWithItsFields(@TempDir Path dir) throws Exception {
        Bridge.startObservers(true); // the listener that turns the hot-path hooks on
        Path file = dir.resolve("rec.jfr");
        long[] ids = new long[4];
        try (Recording r = new Recording()) {
            for (String e : List.of("TaskletStart", "TaskletEnd", "ChannelBlocked", "BlockingCall", "Pickle",
                    "SwitchRefused", "LongRunningTasklet")) {
                r.enable("jstackless." + e).withThreshold(Duration.ZERO).withoutStackTrace();
            }
            r.enable("jstackless.SchedulerStatistics").withPeriod(Duration.ofMillis(50));
            r.enable("jstackless.BlockingPoolStatistics").withPeriod(Duration.ofMillis(50));
            r.start();
            awaitTrue(() -> JfrFlags.channelBlocked && JfrFlags.taskletStart && JfrFlags.blockingCall);
            Stackless.runAsMain(() -> {
                Channel<String> ch = new Channel<>();
                Tasklet t = Tasklet.spawn(() -> recv(ch));
                ids[0] = t.id;
                Stackless.schedule(); // t blocks on ch
                Thread.sleep(5);
                Pickler p = Pickler.builder().signingKey(KEY).allow(JfrEventsTest.class).build();
                byte[] b = p.dumps(t);
                ids[2] = b.length;
                Tasklet u = p.loads(b);
                ids[1] = u.id;
                ch.send("go"); // t leaves the queue: ChannelBlocked is committed
                Stackless.run();  // t ends
                u.kill();
                ids[3] = Stackless.blocking(() -> {
                    Thread.sleep(2);
                    return 1;
                });
                Thread.sleep(600); // a few periods of the statistics, while this scheduler lives
            });
            JfrHooks.longRunning(ids[0], Thread.currentThread(), 123_456_789L);
            JfrHooks.switchRefused(ids[0], "t.U.middle(U.java:3)", false);
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Map<String, List<RecordedEvent>> byName = events.stream()
                .filter(e -> e.getEventType().getName().startsWith("jstackless."))
                .collect(Collectors.groupingBy(e -> e.getEventType().getName()));
        assertThat(byName.keySet()).containsExactlyInAnyOrder("jstackless.TaskletStart", "jstackless.TaskletEnd",
                "jstackless.ChannelBlocked", "jstackless.BlockingCall", "jstackless.Pickle", "jstackless.SwitchRefused",
                "jstackless.LongRunningTasklet", "jstackless.SchedulerStatistics", "jstackless.BlockingPoolStatistics");

        assertThat(byName.get("jstackless.TaskletStart")).anyMatch(e -> e.getLong("taskletId") == ids[0] && e.getBoolean("soft"));
        assertThat(byName.get("jstackless.TaskletEnd")).anyMatch(e -> e.getLong("taskletId") == ids[0] && !e.getBoolean("failed"));
        RecordedEvent blocked = byName.get("jstackless.ChannelBlocked").stream()
                .filter(e -> e.getLong("taskletId") == ids[0]).findFirst().orElseThrow();
        assertThat(blocked.getBoolean("sending")).isFalse();
        assertThat(blocked.getString("channel")).startsWith("Channel@");
        assertThat(blocked.getDuration()).isGreaterThanOrEqualTo(Duration.ofMillis(5));
        RecordedEvent call = byName.get("jstackless.BlockingCall").get(0);
        assertThat(call.getDuration()).isGreaterThanOrEqualTo(Duration.ofMillis(2));
        assertThat(call.getLong("queued")).isGreaterThanOrEqualTo(0);
        assertThat(call.getString("callable")).contains(JfrEventsTest.class.getName());
        assertThat(byName.get("jstackless.Pickle")).anyMatch(e -> e.getString("operation").equals("dump")
                && e.getLong("taskletId") == ids[0] && e.getLong("size") == ids[2] && e.getInt("frames") >= 1);
        assertThat(byName.get("jstackless.Pickle")).anyMatch(e -> e.getString("operation").equals("load")
                && e.getLong("taskletId") == ids[1] && e.getLong("size") == ids[2]);
        RecordedEvent refused = byName.get("jstackless.SwitchRefused").get(0);
        assertThat(refused.getString("frame")).isEqualTo("t.U.middle(U.java:3)");
        RecordedEvent longRun = byName.get("jstackless.LongRunningTasklet").get(0);
        assertThat(longRun.getLong("ranFor")).isEqualTo(123_456_789L);
        assertThat(longRun.getString("carrier")).isEqualTo(Thread.currentThread().getName());
        String me = Thread.currentThread().getName();
        assertThat(byName.get("jstackless.SchedulerStatistics")).anyMatch(e -> me.equals(e.getString("scheduler"))
                && e.getLong("switches") >= 4 && e.getLong("alive") >= 1);
        assertThat(byName.get("jstackless.BlockingPoolStatistics")).allMatch(e -> e.getInt("queued") >= 0);
        // With the recording closed, the hot paths are off again.
        awaitTrue(() -> !JfrFlags.channelBlocked && !JfrFlags.taskletStart);
    }

    @Test
    void configurationFileEnablesTheEvents() throws Exception {
        Path jfc = Path.of("").toAbsolutePath().getParent().resolve("jstackless.jfc");
        String xml = Files.readString(jfc);
        var c = jdk.jfr.Configuration.create(jfc);
        for (String e : List.of("TaskletStart", "TaskletEnd", "ChannelBlocked", "BlockingCall", "Pickle",
                "SwitchRefused", "LongRunningTasklet", "SchedulerStatistics", "BlockingPoolStatistics")) {
            assertThat(c.getSettings()).as(xml).containsEntry("jstackless." + e + "#enabled", "true");
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!s.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
