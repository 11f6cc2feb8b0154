package org.jstackless.internal.observe;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Registers what watches the tasklets from outside: the {@link TaskletsBean} in the platform MBean
 * server, and the JFR periodic events and recording listener. Runs once, off the application's
 * threads (JMX and JFR take a while to load); each part is skipped when its JDK module is absent.
 */
final class Observers {
    private static final CountDownLatch DONE = new CountDownLatch(1);

    private Observers() {
    }

    static void start() {
        try {
            if (present("java.lang.management.ManagementFactory")) {
                TaskletsBean.register();
            }
            if (present("jdk.jfr.FlightRecorder")) {
                org.jstackless.internal.jfr.JfrSupport.install();
            }
        } catch (Throwable e) {
            // Observation must never break the program it observes.
            System.err.println("jstackless: could not register the tasklet MBean or JFR events: " + e);
        } finally {
            DONE.countDown();
        }
    }

    static void awaitStarted() {
        try {
            DONE.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean present(String cls) {
        try {
            Class.forName(cls, false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
