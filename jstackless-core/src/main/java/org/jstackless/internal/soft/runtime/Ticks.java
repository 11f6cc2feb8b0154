package org.jstackless.internal.soft.runtime;

import org.jstackless.internal.soft.Preemption;
import org.jstackless.internal.soft.SoftContext;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Strand;

/**
 * The soft runtime's half of preemption (the woven half is {@link Preemption}: the budget and the
 * tick points): what happens when a thread's budget runs out, and the global handler the scheduler
 * installs.
 */
public final class Ticks {
    /** What runs when a thread's tick budget is exhausted. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Called on the thread whose budget ran out, at a tick point of woven code, with the
         * budget already reset to {@link Long#MAX_VALUE}. May set a new budget, and may switch to
         * another tasklet (see {@link Preemption}).
         */
        void expired();
    }

    private static volatile Handler handler;

    static {
        RuntimeHooks.install();
    }

    private Ticks() {
    }

    /** Installs the global handler of expired budgets (null: an expiry only resets the budget). */
    public static void setHandler(Handler h) {
        handler = h;
    }

    /** The installed handler, or null. */
    public static Handler handler() {
        return handler;
    }

    /**
     * {@link Preemption#expired(int)}: when a soft strand runs and cannot be switched away from
     * here, the preemption is deferred: the budget stays exhausted so that the next tick point asks
     * again. Otherwise resets the budget to {@link Long#MAX_VALUE}, then calls the handler, if any.
     * Not called while the running soft strand is already unwinding (a switch is under way).
     */
    public static void expired(int chain) {
        SoftContext c = SoftContext.current();
        if (c.strand != null && chain != 0 || nestedSoft()) {
            c.ticks = 0;
            c.timed = true;
            return;
        }
        c.ticks = Long.MAX_VALUE;
        c.timed = false;
        Handler h = handler;
        if (h != null && !c.unwinding) {
            int token = c.expect;
            c.expect = chain; // 0: what SoftStrand.suspend expects of a switch from an intact chain
            h.expired();
            if (!c.unwinding) {
                c.expect = token; // the handler ran code; the frame's own chain value stands
            }
        }
    }

    /** True when a nested strand runs on this thread's carrier in a way no switch can leave. */
    private static boolean nestedSoft() {
        Carrier k = Carrier.peek();
        if (k == null) {
            return false;
        }
        Strand n = k.nested();
        return n != null && k.switchRefusedInside(n);
    }
}
