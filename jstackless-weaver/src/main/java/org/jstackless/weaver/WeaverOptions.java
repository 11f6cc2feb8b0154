package org.jstackless.weaver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of a {@link Weaver}: where to resolve types, tick points, and the test-only force mode. Mutable
 * builder style: each setter returns this.
 *
 * <p>Type resolution order: the classes being woven (the directory or jar given to the weaver),
 * then {@link #classPath} entries, then the {@link #classLoader} (if any), then the JDK.
 */
public final class WeaverOptions {
    private final List<Path> classPath = new ArrayList<>();
    private ClassLoader classLoader;
    private boolean forceAll;
    private boolean ticks = true;

    private WeaverOptions() {
    }

    /** Empty class path, no class loader, force mode off, tick points on. */
    public static WeaverOptions defaults() {
        return new WeaverOptions();
    }

    /** Jars and directories used to resolve types, besides the JDK (appended). */
    public WeaverOptions classPath(List<Path> entries) {
        classPath.addAll(entries);
        return this;
    }

    /** An alternative resolver (for the agent): class files are read as its resources. */
    public WeaverOptions classLoader(ClassLoader l) {
        this.classLoader = l;
        return this;
    }

    /**
     * Test-only: treat every method as suspendable (every method but constructors and static
     * initializers is woven, every call is a suspension point) and skip the build-time checks.
     */
    public WeaverOptions forceAll(boolean on) {
        this.forceAll = on;
        return this;
    }

    /**
     * Whether woven methods count preemption ticks (default on): a tick point at every method entry
     * and loop back-edge, outside {@code synchronized} code (see
     * {@code org.jstackless.internal.soft.Preemption}). Off, a timed {@code run} cannot interrupt
     * the woven code; only benchmarks measuring the cost of ticks turn it off.
     */
    public WeaverOptions ticks(boolean on) {
        this.ticks = on;
        return this;
    }

    boolean ticks() {
        return ticks;
    }

    List<Path> classPath() {
        return classPath;
    }

    ClassLoader classLoader() {
        return classLoader;
    }

    boolean forceAll() {
        return forceAll;
    }
}
