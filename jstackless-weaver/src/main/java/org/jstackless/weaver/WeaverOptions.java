package org.jstackless.weaver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of a {@link Weaver}: where to resolve types, and the test-only force mode. Mutable
 * builder style: each setter returns this.
 *
 * <p>Type resolution order: the classes being woven (the directory or jar given to the weaver),
 * then {@link #classPath} entries, then the {@link #classLoader} (if any), then the JDK.
 */
public final class WeaverOptions {
    private final List<Path> classPath = new ArrayList<>();
    private ClassLoader classLoader;
    private boolean forceAll;

    private WeaverOptions() {
    }

    /** Empty class path, no class loader, force mode off. */
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
