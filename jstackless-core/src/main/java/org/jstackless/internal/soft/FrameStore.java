package org.jstackless.internal.soft;

/**
 * The running soft strand as woven code reaches it through {@link SoftContext}: where unwinding
 * frames are saved and re-entered frames are taken from, and what the suspending call returns.
 * Implemented by the soft runtime's strand ({@code org.jstackless.internal.soft.runtime}, not
 * exported); woven code never names this type.
 */
public interface FrameStore {
    /**
     * The next free frame, set to {@code info}, {@code self} and {@code site}, with room for
     * {@code nRefs} references and {@code nPrims} primitives (see {@link SoftContext#push}).
     */
    Frame push(MethodInfo info, Object self, int site, int nRefs, int nPrims);

    /** Takes the innermost saved frame, for the woven entry the trampoline is re-entering. */
    Frame pop();

    /**
     * The result of the suspending primitive's call in the innermost re-entered frame (its
     * resumption's value, or null when there is none); claimed once.
     */
    Object resumed();
}
