package org.jstackless.mn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * A second thread with its own scheduler, like test_thread.py's {@code LingeringThread}: its main
 * runs a setup body, publishes what it returns, then waits (inside Stackless, so that requests and
 * hand-offs from other threads are carried out) for commands on a control channel until
 * {@link #close()}.
 *
 * <p>Must be started and closed from a thread that is itself inside Stackless (runAsMain): a
 * thread whose tasklets all wait for others blocks only while another thread with a scheduler lives.
 */
final class RemoteThread implements AutoCloseable {
    private static final Object STOP = new Object();

    /** A computation run by the remote thread's main. */
    @FunctionalInterface
    interface Call {
        Object call() throws Suspendable, Exception;
    }

    private record Command(Call call, CompletableFuture<Object> result) {
    }

    final Thread thread;
    private final Channel<Object> control = new Channel<>();
    private final CompletableFuture<Object> setupResult = new CompletableFuture<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Tasklet main;

    private RemoteThread(String name, Call setup) {
        thread = new Thread(() -> {
            try {
                Stackless.runAsMain(() -> {
                    main = Stackless.main();
                    try {
                        setupResult.complete(setup.call());
                    } catch (Throwable e) {
                        setupResult.completeExceptionally(e);
                        throw e;
                    }
                    while (true) {
                        Object o = control.receive();
                        if (o == STOP) {
                            break;
                        }
                        Command c = (Command) o;
                        try {
                            c.result().complete(c.call().call());
                        } catch (Throwable e) {
                            c.result().completeExceptionally(e);
                        }
                    }
                });
            } catch (Throwable e) {
                failure.set(e);
                setupResult.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts the thread and waits (plainly, outside the scheduler) for its setup to finish. */
    static RemoteThread start(String name, Call setup) throws Exception {
        RemoteThread r = new RemoteThread(name, setup);
        r.thread.start();
        r.setupResult.get(10, TimeUnit.SECONDS);
        return r;
    }

    /** What the setup body returned. */
    @SuppressWarnings("unchecked")
    <T> T setup() {
        return (T) setupResult.join();
    }

    /** The remote thread's main tasklet. */
    Tasklet main() {
        return main;
    }

    /** Has the remote main run {@code call}; sends the command over the control channel. */
    CompletableFuture<Object> submit(Call call) throws Suspendable {
        CompletableFuture<Object> f = new CompletableFuture<>();
        control.send(new Command(call, f));
        return f;
    }

    /** {@link #submit} and wait plainly for the result (only for calls that need nothing from the caller's thread). */
    Object call(Call call) throws Exception {
        CompletableFuture<Object> f;
        try {
            f = submit(call);
        } catch (Suspendable impossible) {
            throw new AssertionError(impossible);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return f.get(20, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception x ? x : e;
            } catch (java.util.concurrent.TimeoutException e) {
                if (!thread.isAlive() || failure.get() != null) {
                    throw new AssertionError("remote thread " + thread.getName() + " ended with " + failure.get(),
                            failure.get());
                }
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
        }
    }

    /** What ended the remote thread's Stackless session abnormally, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** Stops the remote main loop, joins the thread and rethrows what went wrong there. */
    @Override
    public void close() throws Exception {
        if (thread.isAlive()) {
            try {
                control.send(STOP);
            } catch (Suspendable impossible) {
                throw new AssertionError(impossible);
            }
            thread.join(10_000);
        }
        if (thread.isAlive()) {
            throw new AssertionError("remote thread " + thread.getName() + " did not end within 10 s");
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new AssertionError("remote thread " + thread.getName() + "'s Stackless session ended with " + f, f);
        }
    }
}
