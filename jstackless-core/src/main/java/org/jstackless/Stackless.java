package org.jstackless;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.jstackless.internal.soft.Boundary;

/**
 * The scheduler of the calling thread: Stackless's module functions. Each thread that uses
 * tasklets has its own scheduler and main tasklet, created on first use (or by
 * {@link #runAsMain}); the main tasklet is the thread's own stack, and when it waits, the other
 * tasklets run nested on it.
 *
 * <pre>{@code
 * Channel<String> ch = new Channel<>();
 * Tasklet.spawn(() -> ch.send("hello"));
 * System.out.println(ch.receive());   // main blocks; the tasklet runs and hands over "hello"
 * }</pre>
 */
public final class Stackless {
    private Stackless() {
    }

    /**
     * Runs the other tasklets until none is runnable (or one raises: the exception is thrown here).
     * The caller is paused meanwhile; nested calls stack, and the innermost wakes when the queue
     * empties.
     */
    public static void run() throws Suspendable {
        Scheduler.current().run(NO_OPTIONS);
    }

    private static final RunOptions NO_OPTIONS = RunOptions.ticks(0);

    /**
     * Preemptive run (spec §6): like {@link #run()}, but a tasklet that runs {@code timeoutTicks}
     * ticks (method entries and loop back-edges of woven code) without switching is interrupted:
     * it is taken out of the run queue and returned; {@code insert()} it to let it go on, or kill
     * it. Returns null when nothing is runnable any more. A soft tasklet is interrupted where it
     * is; a hard tasklet (or main) at its next switch, unless {@link RunOptions#ignoreNesting()},
     * and only while it runs woven code: unwoven code has no ticks. Atomic sections and the switch
     * trap defer the interrupt to the first tick after them. Only the outermost timed run counts.
     */
    public static Tasklet run(long timeoutTicks) throws Suspendable {
        return run(RunOptions.ticks(timeoutTicks));
    }

    /**
     * Preemptive run with Stackless's flags: {@code soft()} interrupts only at the next switch and
     * returns null with every tasklet still queued; {@code totalTimeout()} counts ticks from the start
     * of the run instead of per time slice; {@code ignoreNesting()} interrupts hard tasklets mid-code
     * too; {@code threadBlock()} waits for other threads when nothing is runnable here.
     */
    public static Tasklet run(RunOptions options) throws Suspendable {
        return (Tasklet) Scheduler.current().run(options);
    }

    /**
     * Runs {@code body} as this thread's main tasklet with a fresh scheduler, then ends that
     * scheduler: tasklets still queued are dropped. Throws what the body throws. The way for a plain
     * thread, a test or a server request to enter Stackless with nothing left over afterwards.
     */
    @Boundary
    public static void runAsMain(TaskletBody body) throws Exception {
        Scheduler s = Scheduler.enterFresh();
        try {
            body.run();
        } catch (Suspendable impossible) {
            throw new AssertionError(impossible);
        } finally {
            s.close();
        }
    }

    /**
     * Declares {@code thread} (started or not) a partner of the threads that use Stackless: from now
     * until it terminates or its Stackless session ends, a thread whose tasklets all block on
     * channels waits for it rather than raising {@link DeadlockException}, even before {@code thread}
     * has made its first Stackless call. Without a declaration a thread counts as a partner only from
     * that first call, so whether two freshly started threads find each other would depend on
     * timing (docs/threads.md, "Deadlocks across threads"). Declare only threads that will run.
     */
    public static void expectPartner(Thread thread) {
        Registry.expect(java.util.Objects.requireNonNull(thread, "expectPartner needs a thread"));
    }

    /**
     * Starts a platform thread named {@code name} whose main tasklet runs {@code body} (as
     * {@link #runAsMain}), declared a partner before it starts (see {@link #expectPartner}).
     * An exception that escapes {@code body} goes to the thread's uncaught-exception handler.
     */
    public static Thread startThread(String name, TaskletBody body) {
        java.util.Objects.requireNonNull(body, "startThread needs a body");
        Thread t = new Thread(() -> {
            try {
                runAsMain(body);
            } catch (Exception e) {
                throw Sneaky.raise(e);
            }
        }, name);
        Registry.expect(t);
        t.start();
        return t;
    }

    /** Lets the next runnable tasklet run; returns the caller's tempval (by default the caller itself). */
    public static Object schedule() throws Suspendable {
        Scheduler s = Scheduler.current();
        return s.schedule(s.current);
    }

    /** Lets the next runnable tasklet run; returns {@code retval} unless someone replaced it meanwhile. */
    public static Object schedule(Object retval) throws Suspendable {
        return Scheduler.current().schedule(retval);
    }

    /** Pauses the caller (removes it from the run queue) and runs the next; insert() resumes it. */
    public static Object scheduleRemove() throws Suspendable {
        Scheduler s = Scheduler.current();
        return s.scheduleRemove(s.current);
    }

    /** {@link #scheduleRemove()} returning {@code retval} when the caller is resumed. */
    public static Object scheduleRemove(Object retval) throws Suspendable {
        return Scheduler.current().scheduleRemove(retval);
    }

    /** The running tasklet of this thread. */
    public static Tasklet current() {
        return Scheduler.current().current;
    }

    /** This thread's main tasklet. */
    public static Tasklet main() {
        return Scheduler.current().main;
    }

    /** Number of tasklets in this thread's run queue, the running one included. */
    public static int runCount() {
        Scheduler s = Scheduler.current();
        s.pollIfPending(); // tasklets other threads inserted count as soon as they are visible
        return s.runCount;
    }

    /** Makes the current tasklet atomic until the returned section is closed. */
    public static Atomic atomic() {
        Tasklet t = current();
        return new Atomic(t, t.setAtomic(true));
    }

    /** Turns soft switching on or off for tasklets created from now on; returns the previous value. */
    public static boolean enableSoftSwitch(boolean on) {
        return Mechanisms.enableSoft(on);
    }

    /**
     * Adds {@code change} to this thread's switch-trap level and returns the previous level. While
     * the level is not zero, every operation that would switch tasklets raises
     * {@link IllegalStateException}("switch_trap") before changing anything.
     */
    public static int switchTrap(int change) {
        Scheduler s = Scheduler.current();
        int old = s.switchTrap;
        s.switchTrap = old + change;
        if (s.switchTrap == 0 && old != 0) {
            TimedRun.rearm(s);
        }
        return old;
    }

    /** Installs the callback called on every switch (null: none); returns the previous one. */
    public static ScheduleCallback setScheduleCallback(ScheduleCallback cb) {
        ScheduleCallback old = Callbacks.scheduleCallback;
        Callbacks.scheduleCallback = cb;
        return old;
    }

    /** Installs the callback called on every channel operation (null: none); returns the previous one. */
    public static ChannelCallback setChannelCallback(ChannelCallback cb) {
        ChannelCallback old = Callbacks.channelCallback;
        Callbacks.channelCallback = cb;
        return old;
    }

    /** Installs the handler of exceptions escaping tasklets (null: none); returns the previous one. */
    public static ErrorHandler setErrorHandler(ErrorHandler h) {
        ErrorHandler old = Callbacks.errorHandler;
        Callbacks.errorHandler = h;
        return old;
    }

    /**
     * Runs a blocking call on the blocking pool while the calling tasklet waits; the other tasklets
     * of this thread keep running, and the thread sleeps (after a spin of at most 50 µs, for short
     * calls) when only such calls are
     * pending. Returns the call's result or throws its exception. Killing the waiting tasklet
     * raises {@link TaskletExit} in it when the call returns; the call itself is not interrupted
     * (see {@link #blockingInterruptible}). A call still waiting for a permit of a bounded pool is
     * cancelled by the kill instead, and the tasklet wakes at once. For sockets, use
     * {@code org.jstackless.net}: it needs no pool thread.
     */
    @SuppressWarnings("unchecked")
    public static <T> T blocking(Callable<T> call) throws Suspendable, Exception {
        return (T) Scheduler.current().waits.blocking(java.util.Objects.requireNonNull(call), false);
    }

    /** {@link #blocking}, but killing the waiting tasklet interrupts the pool thread running the call. */
    @SuppressWarnings("unchecked")
    public static <T> T blockingInterruptible(Callable<T> call) throws Suspendable, Exception {
        return (T) Scheduler.current().waits.blocking(java.util.Objects.requireNonNull(call), true);
    }

    /**
     * Sets the executor of blocking calls (null: one virtual thread per call, the default) and how
     * many may run at once ({@link Integer#MAX_VALUE}: no bound, the default; calls beyond a bound
     * wait in their worker, never on a scheduler thread, and the first such wait prints a warning).
     * A call still waiting for a permit is cancelled when its tasklet is killed.
     */
    public static void setBlockingPool(java.util.concurrent.Executor executor, int maxConcurrent) {
        BlockingPool.configure(executor, maxConcurrent);
    }

    /**
     * Suspends the calling tasklet for {@code d}; the others keep running. Timers are kept by the
     * thread's scheduler (no thread per sleeper) and checked at every switch; a killed sleeper
     * wakes at once with {@link TaskletExit}.
     */
    public static void sleep(Duration d) throws Suspendable {
        Scheduler.current().waits.sleep(d.toNanos());
    }

    /**
     * Waits for {@code stage} to complete while the other tasklets run; returns its value or throws
     * its exception (unwrapped from {@link java.util.concurrent.CompletionException}).
     */
    @SuppressWarnings("unchecked")
    public static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Suspendable {
        return (T) Scheduler.current().waits.await(stage);
    }


    /**
     * Plain (not suspendable) calls that may switch — Iterator.next() of a Generator or a Channel —
     * cannot suspend a soft tasklet: its woven caller does not expect a switch there and would go on
     * with a made-up value. Refuse them clearly instead.
     */
    static void refuseInSoftStrand(String what) {
        var c = org.jstackless.internal.switching.Carrier.peek();
        var running = c == null ? null : c.running();
        if (running != null && running.isSoft()) {
            throw new IllegalStateException(what + " is a plain method call and cannot switch a soft tasklet: "
                    + "use the suspendable form (Channel.receive()), or run this tasklet hard "
                    + "(Stackless.enableSoftSwitch(false) before creating it)");
        }
    }
}
