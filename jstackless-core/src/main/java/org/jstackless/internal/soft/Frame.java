package org.jstackless.internal.soft;

/**
 * One saved activation of a woven method in a soft strand's heap frame store.
 *
 * <p>Layout: {@link #refs} holds the saved reference values (locals then operand stack, in the
 * order the weaver chose for the call site), {@link #prims} the primitive ones widened to
 * {@code long} ({@code float} and {@code double} as raw bits). The weaver knows the layout of each
 * call site statically, so nothing else is recorded. Frame objects are pooled per strand and
 * reused, so a steady-state switch allocates nothing.
 */
public final class Frame {
    private static final Object[] NO_REFS = new Object[0];
    private static final long[] NO_PRIMS = new long[0];

    /** The woven method this activation belongs to. */
    public MethodInfo info;
    /** The receiver ({@code this}) or null for a static method. */
    public Object self;
    /** Index of the call site the method was suspended at. */
    public int site;
    /** Saved reference values; valid up to {@link #nRefs}. */
    public Object[] refs = NO_REFS;
    /** Saved primitive values; valid up to {@link #nPrims}. */
    public long[] prims = NO_PRIMS;
    int nRefs;
    int nPrims;

    /** An empty frame, for a frame store's pool. */
    public Frame() {
    }

    /** Reuses this pooled frame for a new activation (by the soft runtime's frame store). */
    public void set(MethodInfo info, Object self, int site, int nRefs, int nPrims) {
        this.info = info;
        this.self = self;
        this.site = site;
        if (refs.length < nRefs) {
            refs = new Object[nRefs];
        }
        if (prims.length < nPrims) {
            prims = new long[nPrims];
        }
        this.nRefs = nRefs;
        this.nPrims = nPrims;
    }

    /** For unpickling: a saved activation with exactly these values. */
    public static Frame restored(MethodInfo info, Object self, int site, Object[] refs, long[] prims) {
        Frame f = new Frame();
        f.info = info;
        f.self = self;
        f.site = site;
        f.refs = refs;
        f.prims = prims;
        f.nRefs = refs.length;
        f.nPrims = prims.length;
        return f;
    }

    /** Number of saved reference values. */
    public int nRefs() {
        return nRefs;
    }

    /** Number of saved primitive values. */
    public int nPrims() {
        return nPrims;
    }

    /**
     * Drops the references this frame holds, once woven code restored them. Writes nothing to a
     * frame that holds none: the soft runtime hands woven code one shared frame per site for
     * frames saved with no values, and threads must not contend on it.
     */
    public void release() {
        if (self != null) {
            self = null;
        }
        int n = nRefs;
        if (n != 0) {
            Object[] r = refs;
            for (int i = 0; i < n; i++) {
                r[i] = null;
            }
            nRefs = 0;
        }
    }

    /** The source position of the call this frame is suspended at. */
    public StackTraceElement stackTraceElement() {
        return info.stackTraceElement(site);
    }
}
