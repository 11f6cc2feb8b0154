package org.jstackless;

/** Rethrows any throwable unchanged, checked or not: a bomb may carry a checked exception. */
final class Sneaky {
    private Sneaky() {
    }

    static RuntimeException raise(Throwable t) {
        throw Sneaky.<RuntimeException>as(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T as(Throwable t) throws T {
        throw (T) t;
    }
}
