package org.jstackless.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.jstackless.Suspendable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DurableChannel.sendException: the receiver's receive throws, with the message; also after a restart. */
class SendExceptionTest {
    @TempDir
    Path dir;

    static String catcher() throws Suspendable {
        try {
            Durable.<String>channel("ex").receive();
            return "no exception";
        } catch (DurableChannelException e) {
            return "caught on " + e.channel() + ": " + e.getMessage();
        }
    }

    static String thrower() throws Suspendable {
        Durable.<String>channel("ex").sendException("insufficient funds");
        return "sent";
    }

    @Test
    void theReceiverThrowsTheSendersMessage() throws Exception {
        try (DurableRuntime rt = DurableRuntime.open(dir, SendExceptionTest.class)) {
            rt.start("thrower", SendExceptionTest::thrower); // blocks: its checkpoint holds the exception's message
        }
        try (DurableRuntime rt = DurableRuntime.open(dir, SendExceptionTest.class)) { // after a restart
            rt.start("catcher", SendExceptionTest::catcher);
            rt.awaitDone("catcher", Duration.ofSeconds(30));
            rt.awaitDone("thrower", Duration.ofSeconds(30));
            assertThat(rt.<String>result("catcher")).isEqualTo("caught on ex: insufficient funds");
            assertThat(rt.<String>result("thrower")).isEqualTo("sent");
        }
    }
}
