package org.jstackless.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.jstackless.ChannelClosedException;
import org.jstackless.Suspendable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing durable channels with Stackless's semantics: a close wakes nobody and refuses only
 * operations that would block; blocked tasklets still meet partners; {@code closed} is closing with
 * balance 0; {@code next()} ends an iteration; the close is committed (it survives a restart and a
 * SIGKILL of the process), and {@code open()} lifts it.
 */
class DurableCloseTest {
    @TempDir
    Path dir;

    static String receiveTwice() throws Suspendable {
        DurableChannel<String> ch = Durable.channel("jobs");
        String first = ch.receive();
        try {
            ch.receive();
            return "got " + first + ", then another";
        } catch (ChannelClosedException e) {
            return "got " + first + ", then refused: " + e.getMessage();
        }
    }

    static String send(String ch, String v) throws Suspendable {
        try {
            Durable.<String>channel(ch).send(v);
            return "sent " + v;
        } catch (ChannelClosedException e) {
            return "refused";
        }
    }

    static String closer(String ch) throws Suspendable {
        DurableChannel<String> c = Durable.channel(ch);
        boolean first = c.close();
        boolean again = c.close();
        return "closed " + first + " " + again + ", closing " + c.isClosing() + ", balance " + c.balance() + ", closed " + c.isClosed();
    }

    static String consume(String ch) throws Suspendable {
        DurableChannel<String> c = Durable.channel(ch);
        ArrayList<String> got = new ArrayList<>();
        while (true) {
            String v;
            try {
                v = c.next();
            } catch (NoSuchElementException end) {
                break;
            }
            got.add(v);
        }
        return "consumed " + got;
    }

    static String reopenAndReceive(String ch) throws Suspendable {
        DurableChannel<String> c = Durable.channel(ch);
        boolean opened = c.open();
        return "opened " + opened + ", received " + c.receive();
    }

    @Test
    void aCloseRefusesOnlyBlockingAndBlockedTaskletsStillMeetPartners() throws Exception {
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableCloseTest.class)) {
            rt.start("r1", DurableCloseTest::receiveTwice);
            awaitState(rt, "r1", DurableState.RECEIVING);
            assertThat(rt.closeChannel("jobs")).isTrue();
            assertThat(rt.closeChannel("jobs")).as("closing already").isFalse();
            assertThat(rt.channelInfo("jobs")).isEqualTo(new DurableChannelInfo("jobs", true, -1));
            assertThat(rt.channelInfo("jobs").closed()).as("a receiver still waits").isFalse();
            assertThat(rt.info("r1").orElseThrow().state()).as("close wakes nobody").isEqualTo(DurableState.RECEIVING);

            rt.start("s1", () -> send("jobs", "a")); // completes at once: a receiver waits
            rt.awaitDone("s1", Duration.ofSeconds(30));
            rt.awaitDone("r1", Duration.ofSeconds(30));
            assertThat(rt.<String>result("s1")).isEqualTo("sent a");
            assertThat(rt.<String>result("r1")).isEqualTo("got a, then refused: Send/receive operation on a closed channel: "
                    + "durable channel 'jobs' is closing and no sender waits, so this receive would block; open() the "
                    + "channel again to block on it");
            assertThat(rt.channelInfo("jobs").closed()).isTrue();

            rt.start("s2", () -> send("jobs", "b")); // would block: refused
            rt.awaitDone("s2", Duration.ofSeconds(30));
            assertThat(rt.<String>result("s2")).isEqualTo("refused");
            assertThat(rt.list()).as("the close's row is not a tasklet").extracting(DurableInfo::id)
                    .containsExactly("r1", "s1", "s2");
        }
    }

    @Test
    void nextDrainsTheWaitingSendersOfAClosedChannelThenEndsTheIteration() throws Exception {
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableCloseTest.class)) {
            for (int i = 0; i < 3; i++) {
                String v = "v" + i;
                rt.start("s" + i, () -> send("items", v));
                awaitState(rt, "s" + i, DurableState.SENDING);
            }
            rt.start("closer", () -> closer("items"));
            rt.awaitDone("closer", Duration.ofSeconds(30));
            assertThat(rt.<String>result("closer")).isEqualTo("closed true false, closing true, balance 3, closed false");
            rt.start("consumer", () -> consume("items"));
            rt.awaitDone("consumer", Duration.ofSeconds(30));
            assertThat(rt.<String>result("consumer")).isEqualTo("consumed [v0, v1, v2]");
            for (int i = 0; i < 3; i++) {
                assertThat(rt.<String>result("s" + i)).isEqualTo("sent v" + i);
            }
        }
    }

    @Test
    void theCloseSurvivesARestartAndOpenLiftsIt() throws Exception {
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableCloseTest.class)) {
            rt.start("closer", () -> closer("q"));
            rt.awaitDone("closer", Duration.ofSeconds(30));
        }
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableCloseTest.class)) {
            assertThat(rt.channelInfo("q")).isEqualTo(new DurableChannelInfo("q", true, 0));
            rt.start("s", () -> send("q", "x"));
            rt.awaitDone("s", Duration.ofSeconds(30));
            assertThat(rt.<String>result("s")).isEqualTo("refused");
            rt.start("r", () -> reopenAndReceive("q")); // opens it, then blocks on it
            awaitState(rt, "r", DurableState.RECEIVING);
            assertThat(rt.channelInfo("q").closing()).isFalse();
            rt.start("s2", () -> send("q", "y"));
            rt.awaitDone("r", Duration.ofSeconds(30));
            assertThat(rt.<String>result("r")).isEqualTo("opened true, received y");
        }
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableCloseTest.class)) {
            assertThat(rt.channelInfo("q").closing()).as("the open is durable too").isFalse();
            assertThat(rt.closeChannel("q")).isTrue();
            assertThat(rt.openChannel("q")).isTrue();
            assertThat(rt.openChannel("q")).isFalse();
        }
    }

    @Test
    void aTaskletIdMayNotLookLikeAClosedChannelsRow() throws Exception {
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableCloseTest.class)) {
            assertThatThrownBy(() -> rt.start("\u0001x", () -> send("q", "x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved for closed channels");
        }
    }

    /** A child JVM closes channel "k" from a tasklet, then blocks another forever; it is SIGKILLed; the close stays. */
    @Test
    void theCloseSurvivesASigkill() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), DurableCloseTest.class.getName(), dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> seen = new ArrayList<>();
            for (String l; (l = r.readLine()) != null && !l.equals("CLOSED");) {
                seen.add(l);
            }
            assertThat(p.isAlive()).as("child output: %s", seen).isTrue();
        } finally {
            p.destroyForcibly(); // SIGKILL: no close, no shutdown hook
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        try (DurableRuntime rt = DurableRuntime.open(dir, DurableCloseTest.class)) {
            assertThat(rt.channelInfo("k")).isEqualTo(new DurableChannelInfo("k", true, -1));
            assertThat(rt.info("waiter").orElseThrow().state()).isEqualTo(DurableState.RECEIVING);
            rt.start("s", () -> send("k", "late")); // the blocked receiver still takes a value
            rt.awaitDone("waiter", Duration.ofSeconds(30));
            assertThat(rt.<String>result("waiter")).isEqualTo("received late");
            assertThat(rt.channelInfo("k").closed()).isTrue();
        }
    }

    static String waiter() throws Suspendable {
        return "received " + Durable.<String>channel("k").receive();
    }

    /** The child of {@link #theCloseSurvivesASigkill}. */
    public static void main(String[] args) throws Exception {
        DurableRuntime rt = DurableRuntime.open(Path.of(args[0]), DurableCloseTest.class);
        rt.start("waiter", DurableCloseTest::waiter);
        awaitState(rt, "waiter", DurableState.RECEIVING);
        rt.start("closer", () -> closer("k"));
        rt.awaitDone("closer", Duration.ofSeconds(60));
        System.out.println("CLOSED");
        System.out.flush();
        Thread.sleep(600_000); // killed here
    }

    static void awaitState(DurableRuntime rt, String id, DurableState st) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rt.info(id).map(DurableInfo::state).orElse(null) != st) {
            assertThat(System.nanoTime()).as("%s reaches %s: %s", id, st, rt.info(id)).isLessThan(end);
            Thread.sleep(5);
        }
    }
}
