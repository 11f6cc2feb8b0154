package org.jstackless.internal.soft;


/**
 * Implements tick counting for preemption (spec §6.1, DESIGN §2.6): the per-thread tick budget
 * woven code decrements, and the slow path it calls when the budget runs out.
 *
 * <p>Contract with woven code. At every method entry and every loop back-edge (backward jump) of
 * a woven method, outside {@code synchronized} code and where no uninitialised object is on the
 * operand stack, the weaver emits a <em>tick point</em>:
 * <pre>
 *   if (ctx.timed &amp;&amp; --ctx.ticks &lt; 0) {  // ctx: the SoftContext the method fetched at entry
 *       Preemption.expired(d);                // d: the method's chain value (see SoftContext)
 *       if (ctx.unwinding) { save live locals and stack into a Frame; return; }
 *   }
 *   RESUME: (re-entry after a switch here) ctx.resumeValue(), discarded; may throw a bomb
 * </pre>
 * A tick point is thus a suspension point like a suspendable call site: if the handler switched a
 * soft strand away, the frame unwinds and is later re-entered at the tick point, inside the
 * method's own try ranges, where {@link SoftContext#resumeValue()} raises a pending bomb (e.g.
 * {@code TaskletExit} from {@code kill()}). When no timed run is active the budget is
 * {@link Long#MAX_VALUE} and {@code ctx.timed} is false: the cost is one load and one test of a
 * field that nothing in a call-free loop writes, so the JIT hoists it out of such loops and they
 * keep their unrolling and vectorisation (counting unconditionally, a store per back-edge, made
 * a vectorisable loop six times slower). Code that the JIT compiled while a timed run had
 * expiries keeps the handler call on its rare path and loses those loop optimisations even once
 * untimed again, until it is recompiled.
 *
 * <p>A tick point whose frame cannot unwind (its chain value is not 0: a frame below it was not
 * woven, or was entered through a plain call, e.g. a comparator called by {@code Arrays.sort}) does
 * not call the handler while a soft strand runs: the preemption is <em>deferred</em>, the budget is
 * left exhausted, and the next tick point asks again, until one whose every frame can unwind. A
 * tasklet that never reaches one runs on to its next switch or its end. Likewise while a soft strand
 * runs nested (a generator's body on its consumer's stack), where no switch away is possible.
 *
 * <p>Contract with the scheduler. {@link #setBudget} sets the calling thread's remaining ticks
 * (typically at every switch to a tasklet during {@code run(timeoutTicks)}, and back to
 * {@link Long#MAX_VALUE} when the timed run ends). When woven code finds the budget exhausted it
 * calls {@link #expired()} on that thread — on a soft strand, a hard tasklet or the thread's main
 * code alike — which first sets the budget to {@link Long#MAX_VALUE} (so woven code run by the
 * handler cannot re-enter it) and then calls the global tick handler (installed in the soft runtime, {@code runtime.Ticks}). The handler either
 * sets a new budget and returns (execution continues at the tick point), or switches away through
 * the scheduler's normal switching: on a soft strand the switch only requests the unwinding
 * ({@code SoftStrand.suspend}) and returns, and the handler must then return promptly.
 */
public final class Preemption {
    private Preemption() {
    }

    /**
     * Sets the calling thread's remaining tick budget. {@link Long#MAX_VALUE} (the default) means
     * no timed run is active. A budget of {@code n} lets {@code n} ticks pass; the next one expires.
     */
    public static void setBudget(long ticks) {
        SoftContext c = SoftContext.current();
        c.ticks = ticks;
        c.timed = ticks != Long.MAX_VALUE;
    }

    /** The calling thread's remaining tick budget. */
    public static long budget() {
        return SoftContext.current().ticks;
    }

    /**
     * The slow path of a tick point of woven code from before chain values: as {@link #expired(int)}
     * with an intact chain.
     */
    public static void expired() {
        expired(0);
    }

    /**
     * The slow path of a tick point, called by woven code when the calling thread's budget is
     * exhausted, with the tick point's chain value ({@code 0}: every frame down to the strand's entry
     * can unwind); the soft runtime decides ({@link SoftContext.Hooks#tickExpired}): it defers
     * the preemption or resets the budget and calls the handler.
     */
    public static void expired(int chain) {
        SoftContext.Hooks h = SoftContext.hooks();
        if (h != null) {
            h.tickExpired(chain);
        } else { // no soft runtime yet, so no soft strand and no handler: only reset the budget
            setBudget(Long.MAX_VALUE);
        }
    }
}
