package org.jstackless.durable.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.jstackless.ChannelClosedException;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableChannel;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableState;

/**
 * docs/durable.md's close example: three jobs wait on a durable channel, it is closed, a consumer
 * iterates it with next() (it takes the three, then the iteration ends), a late sender is refused,
 * and the close is still there after a restart.
 */
public final class ClosingTour {
    private ClosingTour() {
    }

    static String submit(String job) throws Suspendable {
        Durable.<String>channel("jobs").send(job); // blocks until a consumer takes it
        return "taken: " + job;
    }

    static String consumer() throws Suspendable {
        DurableChannel<String> jobs = Durable.channel("jobs");
        List<String> done = new ArrayList<>();
        while (true) {
            String job;
            try {
                job = jobs.next(); // Stackless's next(channel): ends on a closing channel with no sender waiting
            } catch (NoSuchElementException end) {
                break;
            }
            done.add(job);
        }
        return "did " + done;
    }

    static String late() throws Suspendable {
        try {
            Durable.<String>channel("jobs").send("job 4");
            return "sent";
        } catch (ChannelClosedException e) {
            return "refused: " + e.getMessage();
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("closing-tour");
        try (DurableRuntime rt = DurableRuntime.open(dir, ClosingTour.class)) {
            for (int i = 1; i <= 3; i++) {
                String job = "job " + i;
                rt.start("submit-" + i, () -> submit(job));
                while (rt.info("submit-" + i).orElseThrow().state() != DurableState.SENDING) {
                    Thread.sleep(1);
                }
            }
            System.out.println("closed: " + rt.closeChannel("jobs") + ", " + rt.channelInfo("jobs"));
            rt.start("consumer", ClosingTour::consumer);
            rt.awaitDone("consumer", Duration.ofSeconds(30));
            System.out.println(rt.<String>result("consumer"));
            System.out.println("closed now: " + rt.channelInfo("jobs").closed());
            rt.start("late", ClosingTour::late);
            rt.awaitDone("late", Duration.ofSeconds(30));
            System.out.println(rt.<String>result("late"));
        } // the process could die here: the close is committed
        try (DurableRuntime rt = DurableRuntime.open(dir, ClosingTour.class)) {
            System.out.println("after a restart: " + rt.channelInfo("jobs"));
        }
    }
}
