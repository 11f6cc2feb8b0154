package org.jstackless;

/** Test stand-in for the core's marker (the weaver module does not depend on the core). */
public final class Suspendable extends Throwable {
    private static final long serialVersionUID = 1L;

    private Suspendable() {
    }
}
