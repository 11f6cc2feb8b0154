package org.jstackless.internal.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.jstackless.internal.jfr.JfrFlags;
import org.jstackless.internal.jfr.JfrHooks;

/**
 * What happens when a tasklet is set up, beyond the scheduler's work: the JFR start event and the
 * opt-in tracking of every tasklet ({@code TaskletTracking}). {@link #on} is the one volatile flag
 * the setup path reads; it is false unless one of the two is wanted.
 *
 * <p>Invariant: {@code on == JfrFlags.taskletStart || tracking}, recomputed by whoever changes either.
 */
public final class SetupHook {
    public static volatile boolean on;
    private static volatile boolean tracking;
    /** Tasklets set up while tracking is on, held weakly (identity: Tasklet keeps Object's equals). */
    private static final Set<Object> TRACKED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    static {
        if (Boolean.getBoolean("jstackless.observe.trackAll")) {
            setTracking(true);
        }
    }

    private SetupHook() {
    }

    /** Tasklet {@code t} (id {@code id}) was set up. */
    public static void setup(Object t, long id, boolean soft) {
        if (tracking) {
            TRACKED.add(t);
        }
        if (JfrFlags.taskletStart && JfrHooks.PRESENT) {
            JfrHooks.taskletStart(id, soft);
        }
    }

    /** Turns tracking on or off; off forgets the tasklets tracked so far. */
    public static synchronized void setTracking(boolean enable) {
        tracking = enable;
        if (!enable) {
            TRACKED.clear();
        }
        recompute();
    }

    public static boolean tracking() {
        return tracking;
    }

    /** The tracked tasklets still referenced by someone. */
    public static List<Object> tracked() {
        synchronized (TRACKED) {
            return new ArrayList<>(TRACKED);
        }
    }

    public static void recompute() {
        on = JfrFlags.taskletStart || tracking;
    }
}
