package org.jstackless;

/**
 * Flags of a preemptive {@link Stackless#run(RunOptions)} (spec §2.1). Immutable: every method
 * returns a new value. {@code RunOptions.ticks(1000).soft().totalTimeout()}.
 */
public final class RunOptions {
    private final long ticks;
    private final boolean soft;
    private final boolean totalTimeout;
    private final boolean ignoreNesting;
    private final boolean threadBlock;

    private RunOptions(long ticks, boolean soft, boolean totalTimeout, boolean ignoreNesting, boolean threadBlock) {
        if (ticks < 0) {
            throw new IllegalArgumentException("ticks must be >= 0, got " + ticks);
        }
        this.ticks = ticks;
        this.soft = soft;
        this.totalTimeout = totalTimeout;
        this.ignoreNesting = ignoreNesting;
        this.threadBlock = threadBlock;
    }

    /** A run interrupted after {@code n} ticks of one tasklet's time slice (0: never). */
    public static RunOptions ticks(long n) {
        return new RunOptions(n, false, false, false, false);
    }

    /** Interrupt only at the next switch, and return null instead of the interrupted tasklet. */
    public RunOptions soft() {
        return new RunOptions(ticks, true, totalTimeout, ignoreNesting, threadBlock);
    }

    /** Count ticks from the start of {@code run()} instead of per time slice. */
    public RunOptions totalTimeout() {
        return new RunOptions(ticks, soft, true, ignoreNesting, threadBlock);
    }

    /** Allow interrupts in any tasklet, whatever its nesting. */
    public RunOptions ignoreNesting() {
        return new RunOptions(ticks, soft, totalTimeout, true, threadBlock);
    }

    /** When this thread has nothing runnable, wait for another thread instead of returning. */
    public RunOptions threadBlock() {
        return new RunOptions(ticks, soft, totalTimeout, ignoreNesting, true);
    }

    /** The tick budget (0: none). */
    public long tickBudget() {
        return ticks;
    }

    /** Whether {@link #soft()} was set. */
    public boolean isSoft() {
        return soft;
    }

    /** Whether {@link #totalTimeout()} was set. */
    public boolean isTotalTimeout() {
        return totalTimeout;
    }

    /** Whether {@link #ignoreNesting()} was set. */
    public boolean isIgnoreNesting() {
        return ignoreNesting;
    }

    /** Whether {@link #threadBlock()} was set. */
    public boolean isThreadBlock() {
        return threadBlock;
    }

    @Override
    public String toString() {
        return "RunOptions[ticks=" + ticks + (soft ? ", soft" : "") + (totalTimeout ? ", totalTimeout" : "")
                + (ignoreNesting ? ", ignoreNesting" : "") + (threadBlock ? ", threadBlock" : "") + "]";
    }
}
