package org.jstackless;

/**
 * Called on every real switch between tasklets, and once as {@code (null, main)} when a thread's
 * main tasklet is created. It must not switch; an exception it throws goes to the thread's
 * uncaught-exception handler and scheduling continues.
 */
@FunctionalInterface
public interface ScheduleCallback {
    /** {@code prev} stops running (it may be ending), {@code next} runs. */
    void onSchedule(Tasklet prev, Tasklet next);
}
