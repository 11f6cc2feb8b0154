package org.jstackless;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;

/**
 * Shared by the coroutine, greenlet, generator and mixed-concept tests: runs a test body as a
 * Stackless main on a fresh platform thread (so each test gets fresh per-thread groups and a
 * fresh carrier) with one hard switching mechanism forced, and fails on a hang.
 */
final class GreenletTestSupport {
    private GreenletTestSupport() {
    }

    /** The hard mechanisms this JVM can run: every test runs once on each. */
    static List<Mechanism> mechanisms() {
        org.jstackless.internal.soft.runtime.SoftRuntime.install(); // the concepts plug it in on first use; this may run before any did
        return Switching.available();
    }

    /** Runs {@code body} as main of a new thread with mechanism {@code m}; rethrows what it threw. */
    static void onMain(Mechanism m, TaskletBody body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Stackless.runAsMain(body);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "test-main-" + m);
        Switching.force(m);
        try {
            t.start();
            t.join(TimeUnit.SECONDS.toMillis(30));
        } finally {
            Switching.force(null);
        }
        if (t.isAlive()) {
            StackTraceElement[] st = t.getStackTrace();
            AssertionError e = new AssertionError("test body hung (30 s) on " + m);
            e.setStackTrace(st);
            throw e;
        }
        Throwable f = failure.get();
        if (f instanceof Exception ex) {
            throw ex;
        }
        if (f instanceof Error er) {
            throw er;
        }
        if (f != null) {
            throw new AssertionError(f);
        }
    }
}
