package org.jstackless.cluster;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;

/** Durable tasklet bodies the cluster tests run. */
public final class Work {
    /** Round-trip times of {@link #pinger}, nanoseconds (this JVM). */
    static final List<Long> TRIPS = java.util.Collections.synchronizedList(new ArrayList<>());

    private Work() {
    }

    /** Sends 0..n-1 on "ping", expects each plus 1000 back on "pong". */
    public static String pinger(int n) throws Suspendable {
        int bad = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Durable.<Integer>channel("ping").send(i);
            int r = Durable.<Integer>channel("pong").receive();
            TRIPS.add(System.nanoTime() - t0);
            if (r != i + 1000) {
                bad++;
            }
        }
        String end;
        try {
            Durable.<Integer>channel("pong").receive();
            end = "no exception";
        } catch (org.jstackless.durable.DurableChannelException e) {
            end = e.getMessage();
        }
        return "pinged " + n + ", bad " + bad + ", then " + end;
    }

    /** Sends {@code base}..{@code base+n-1} on "many". */
    public static String manySender(int base, int n) throws Suspendable {
        for (int i = 0; i < n; i++) {
            Durable.<Integer>channel("many").send(base + i);
        }
        return "sent " + n;
    }

    /** Receives n values on "many"; returns them, comma-separated, in the order received. */
    public static String manyReceiver(int n) throws Suspendable {
        String got = ""; // a String, not a StringBuilder: it is part of the checkpoint and must pickle
        for (int i = 0; i < n; i++) {
            int v = Durable.<Integer>channel("many").receive();
            got = got + (i == 0 ? "" : ",") + v;
        }
        return got;
    }

    /** Answers n pings. */
    public static String ponger(int n) throws Suspendable {
        for (int i = 0; i < n; i++) {
            int v = Durable.<Integer>channel("ping").receive();
            Durable.<Integer>channel("pong").send(v + 1000);
        }
        Durable.<Integer>channel("pong").sendException("no more pongs");
        return "ponged " + n;
    }

    /** Checkpoints n times; returns where it ran last. */
    public static String counter(int n) throws Suspendable {
        for (int i = 0; i < n; i++) {
            Durable.checkpoint();
        }
        return "counted " + n;
    }

    /** Sleeps (a durable timer) n times. */
    public static String ticker(int n) throws Suspendable {
        for (int i = 0; i < n; i++) {
            Durable.sleep(java.time.Duration.ofMillis(20));
        }
        return "ticked " + n;
    }

    /** Stops {@link #spinner}. */
    static final java.util.concurrent.atomic.AtomicBoolean STOP = new java.util.concurrent.atomic.AtomicBoolean();

    /** Steps until {@link #STOP}; returns the nodes it ran on, in order, and how many steps it took. */
    public static String spinner() throws Suspendable, Exception {
        String path = "";
        int i = 0;
        while (true) {
            String here = ClusterNode.current().name();
            if (!path.endsWith(here)) {
                path = path.isEmpty() ? here : path + "," + here;
            }
            if (Durable.step(STOP::get)) {
                return path + " after " + i;
            }
            i++;
        }
    }

    /** Sleeps 200 ms (a durable timer) n times. */
    public static String slowTicker(int n) throws Suspendable {
        for (int i = 0; i < n; i++) {
            Durable.sleep(java.time.Duration.ofMillis(200));
        }
        return "ticked " + n;
    }

    /** Steps until {@link #STOP}; how many steps. */
    public static Integer stepper() throws Suspendable, Exception {
        int i = 0;
        while (!Durable.step(STOP::get)) {
            i++;
        }
        return i;
    }
}
