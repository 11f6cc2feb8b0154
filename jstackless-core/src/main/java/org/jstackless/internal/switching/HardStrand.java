package org.jstackless.internal.switching;

/**
 * A strand that keeps its native stack while suspended (a JDK continuation or a virtual thread).
 * Only such a strand can be suspended with a nested strand still on its stack (a generator body
 * that switched away: see {@link Carrier#runNested}), so the slot that remembers it lives here and
 * soft strands, of which there may be millions, do not carry it.
 */
abstract class HardStrand extends Strand {
    /** See {@link Strand#takeParkedNested}. */
    private Strand parkedNested;

    @Override
    final Strand takeParkedNested() {
        Strand s = parkedNested;
        parkedNested = null;
        return s;
    }

    @Override
    final void parkNested(Strand s) {
        parkedNested = s;
    }

    @Override
    public final boolean isSoft() {
        return false;
    }
}
