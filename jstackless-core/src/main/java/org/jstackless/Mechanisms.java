package org.jstackless;

import org.jstackless.internal.soft.runtime.SoftRuntime;
import org.jstackless.internal.switching.StrandFactory;
import org.jstackless.internal.switching.Switching;

/**
 * Assembles the switching layer for the concepts: plugs the soft mechanism into
 * {@link Switching} (which knows only the hard ones) before any concept makes a strand, and holds
 * the process-wide soft-switch setting ({@link Stackless#enableSoftSwitch}) the concepts read when
 * they make one. Every strand a concept makes is chosen here.
 */
final class Mechanisms {
    static {
        SoftRuntime.install();
    }

    /** Whether strands made from now on may be soft (Stackless.enableSoftSwitch). */
    private static volatile boolean soft = true;

    private Mechanisms() {
    }

    /** The soft-switch setting. */
    static boolean softEnabled() {
        return soft;
    }

    /** Sets the soft-switch setting; returns the previous one. */
    static boolean enableSoft(boolean on) {
        boolean old = soft;
        soft = on;
        return old;
    }

    /** The factory for a new strand running {@code body}, under the current setting. */
    static StrandFactory factoryFor(Object body) {
        return Switching.factoryFor(body, soft);
    }

    /** The factory for a strand that only runs nested, soft only if {@code softAllowed}. */
    static StrandFactory nestedFactoryFor(Object code, boolean softAllowed) {
        return Switching.nestedFactoryFor(code, softAllowed);
    }
}
