package org.jstackless.observe;

import org.jstackless.internal.observe.SetupHook;

/**
 * Opt-in: makes {@link TaskletDump} also list paused tasklets that nothing but the user's code
 * references (after {@code remove()}, {@code switchTo} away, or never inserted), which the dump
 * cannot otherwise find. Like kotlinx.coroutines' {@code DebugProbes.install()}: while installed,
 * each tasklet set up (spawned) is noted in a weak set, which costs a synchronized insertion per
 * spawn; tasklets set up before, or restored by unpickling, are not noted. Also on from the start
 * with {@code -Djstackless.observe.trackAll=true}.
 */
public final class TaskletTracking {
    private TaskletTracking() {
    }

    /** Starts noting every tasklet set up from now on. */
    public static void install() {
        SetupHook.setTracking(true);
    }

    /** Stops, and forgets the tasklets noted so far. */
    public static void uninstall() {
        SetupHook.setTracking(false);
    }

    /** Whether tracking is on. */
    public static boolean isInstalled() {
        return SetupHook.tracking();
    }
}
