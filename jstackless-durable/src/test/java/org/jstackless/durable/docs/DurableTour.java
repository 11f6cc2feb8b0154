package org.jstackless.durable.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableInfo;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableState;

/**
 * docs/durable.md's example: two orders, each charged once (a step), handed to a shipper over a
 * durable channel, then closed three days later (a durable timer). The runtime is closed while
 * the orders sleep — as if the process had died — and reopened three days later.
 */
public final class DurableTour {
    /** The "other system": how often a card was charged. */
    static final AtomicInteger CHARGES = new AtomicInteger();

    private DurableTour() {
    }

    static String charge(int order) {
        CHARGES.incrementAndGet();
        return "payment-" + order;
    }

    static String order(int n) throws Suspendable, Exception {
        String payment = Durable.step(() -> charge(n)); // runs once; its result is in the checkpoint
        Durable.<String>channel("shipping").send("order " + n + " (" + payment + ")");
        Durable.sleep(Duration.ofDays(3)); // a durable timer: nothing in memory while it runs
        return "order " + n + " closed";
    }

    static String shipper(int orders) throws Suspendable {
        List<String> shipped = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            shipped.add(Durable.<String>channel("shipping").receive());
        }
        return "shipped " + shipped;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("durable-tour");
        AtomicLong now = new AtomicLong(Instant.parse("2026-12-04T12:00:00Z").toEpochMilli());
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        try (DurableRuntime rt = DurableRuntime.builder(dir).allow(DurableTour.class).clock(clock).open()) {
            rt.start("shipper", () -> shipper(2));
            rt.start("order-1", () -> order(1));
            rt.start("order-2", () -> order(2));
            rt.awaitDone("shipper", Duration.ofSeconds(30));
            System.out.println(rt.<String>result("shipper"));
            while (rt.list().stream().filter(i -> i.state() == DurableState.SLEEPING).count() < 2) {
                Thread.sleep(1);
            }
            for (DurableInfo i : rt.list()) {
                System.out.println(i.id() + ": " + i.state() + (i.wakeAt() == null ? "" : " until " + i.wakeAt()));
            }
        } // the process could die here: the store has everything
        now.addAndGet(Duration.ofDays(3).toMillis());
        try (DurableRuntime rt = DurableRuntime.builder(dir).allow(DurableTour.class).clock(clock).open()) {
            System.out.println("start order-1 again: " + rt.start("order-1", () -> order(1)));
            for (String id : List.of("order-1", "order-2")) {
                rt.awaitDone(id, Duration.ofSeconds(30));
                System.out.println(id + ": " + rt.<String>result(id));
            }
        }
        System.out.println("cards charged: " + CHARGES.get());
    }
}
