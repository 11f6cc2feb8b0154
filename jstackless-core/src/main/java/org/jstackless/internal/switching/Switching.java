package org.jstackless.internal.switching;

import java.util.Objects;

/**
 * Chooses the mechanism of new strands.
 *
 * <p>Hard strands use {@code jdk.internal.vm.Continuation} when {@code java.base} exports that
 * package to this module (checked once, at first use), else the virtual-thread hand-off, with one
 * warning line. A mechanism that can run only some bodies (soft switching: woven ones) is plugged in
 * by the layer above ({@link #plug}); this layer does not know it. Tests may force a mechanism with
 * {@link #force}.
 */
public final class Switching {
    private static final StrandFactory CONTINUATION_FACTORY;
    private static final StrandFactory NESTED_CONTINUATION_FACTORY;
    private static final StrandFactory VIRTUAL_THREAD_FACTORY = new VirtualThreadStrand.Factory();
    private static volatile boolean warned;
    private static volatile Mechanism forced;
    private static volatile PluggedMechanism plugged;

    static {
        Module base = Object.class.getModule();
        Module me = Switching.class.getModule();
        CONTINUATION_FACTORY = base.isExported("jdk.internal.vm", me) ? newContinuationFactory(false) : null;
        NESTED_CONTINUATION_FACTORY = CONTINUATION_FACTORY == null ? null : newContinuationFactory(true);
    }

    private Switching() {
    }

    private static StrandFactory newContinuationFactory(boolean nested) {
        try {
            return new ContinuationStrand.Factory(nested);
        } catch (LinkageError e) {
            return null;
        }
    }

    /**
     * Plugs in {@code m}, chosen for the bodies it can run when its kind is allowed (called once, by
     * the layer that assembles the mechanisms; a second call replaces the first).
     */
    public static void plug(PluggedMechanism m) {
        plugged = m;
    }

    /** The plugged mechanism, or null. */
    static PluggedMechanism plugged() {
        return plugged;
    }

    /** True when {@code jdk.internal.vm.Continuation} can be used. */
    public static boolean continuationsAvailable() {
        return CONTINUATION_FACTORY != null;
    }

    /** Forces the mechanism of every strand created from now on; null restores the default. */
    public static void force(Mechanism m) {
        if (m == Mechanism.CONTINUATION && CONTINUATION_FACTORY == null) {
            throw new IllegalStateException(
                    "jdk.internal.vm is not exported: run with " + exportFlag());
        }
        forced = m;
    }

    /** The forced mechanism, or null. */
    public static Mechanism forced() {
        return forced;
    }

    /** The mechanisms this JVM can run, hard ones first. */
    public static java.util.List<Mechanism> available() {
        java.util.List<Mechanism> l = new java.util.ArrayList<>();
        if (CONTINUATION_FACTORY != null) {
            l.add(Mechanism.CONTINUATION);
        }
        l.add(Mechanism.VIRTUAL_THREAD);
        PluggedMechanism p = plugged;
        if (p != null) {
            l.add(p.mechanism());
        }
        return l;
    }

    /**
     * The factory for a new strand running {@code body}: the plugged mechanism when allowed and it
     * can run the body, otherwise the best hard mechanism.
     */
    public static StrandFactory factoryFor(Object body, boolean pluggedAllowed) {
        Objects.requireNonNull(body);
        Mechanism m = forced;
        if (m == Mechanism.VIRTUAL_THREAD) {
            return VIRTUAL_THREAD_FACTORY;
        }
        if (m == Mechanism.CONTINUATION) {
            return CONTINUATION_FACTORY;
        }
        PluggedMechanism p = plugged;
        if (m != null && pluggedAllowed) {
            // Forced to the plugged one (tests): running hard instead would make its test pass vacuously.
            if (p == null || p.mechanism() != m) {
                throw new IllegalStateException(m + " switching is forced but that mechanism is not plugged in");
            }
            if (!p.canRun(body)) {
                throw new IllegalStateException(p.cannotRun(body));
            }
            return p.factory();
        }
        if (p != null && pluggedAllowed && p.canRun(body)) {
            return p.factory();
        }
        return hard();
    }

    /**
     * The factory for a strand that will only run nested ({@link Carrier#runNested}: a generator
     * body): the plugged mechanism when allowed and it can run {@code code} (the user's code the
     * strand runs), else a hard continuation of its own scope, else a virtual thread. Forcing works
     * as in {@link #factoryFor}.
     */
    public static StrandFactory nestedFactoryFor(Object code, boolean pluggedAllowed) {
        StrandFactory f = factoryFor(code, pluggedAllowed);
        return f == CONTINUATION_FACTORY ? NESTED_CONTINUATION_FACTORY : f;
    }

    /** The best hard mechanism's factory. */
    public static StrandFactory hard() {
        if (CONTINUATION_FACTORY != null) {
            return CONTINUATION_FACTORY;
        }
        if (!warned) {
            warned = true;
            System.err.println("jstackless: jdk.internal.vm is not exported to us; hard tasklets run on "
                    + "virtual threads (slower). Add " + exportFlag() + " or run with the jstackless agent.");
        }
        return VIRTUAL_THREAD_FACTORY;
    }

    /**
     * The java flag that gives this library the JDK's continuations: it names the module that
     * reads them — {@code org.jstackless.core} on the module path, every unnamed module on the class
     * path (a flag for the wrong one does nothing).
     */
    public static String exportFlag() {
        Module m = Switching.class.getModule();
        return "--add-exports java.base/jdk.internal.vm=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }
}
