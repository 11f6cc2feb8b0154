package org.jstackless;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import org.jstackless.internal.switching.Carrier;

/**
 * One greenlet {@link Group} per thread (greenlet has one main greenlet per thread). Looked up by
 * the thread's {@link Carrier}, not by a plain thread-local, because a virtual-thread strand runs
 * on its own thread while belonging to its carrier's thread. A thread-local caches the answer.
 */
final class GreenletThreads {
    private static final ThreadLocal<Group> CACHE = new ThreadLocal<>();
    private static final Map<Carrier, WeakReference<Group>> GROUPS = new WeakHashMap<>();

    private GreenletThreads() {
    }

    /** The calling thread's greenlet group, created (and bound to this thread) on first use. */
    static Group group() {
        Carrier c = Carrier.current();
        Group g = CACHE.get();
        if (g != null && g.usedHere()) {
            return g;
        }
        synchronized (GROUPS) {
            WeakReference<Group> r = GROUPS.get(c);
            g = r == null ? null : r.get();
            if (g == null) {
                g = new Group("greenlet");
                g.use();
                GROUPS.put(c, new WeakReference<>(g));
            }
        }
        CACHE.set(g);
        return g;
    }
}
