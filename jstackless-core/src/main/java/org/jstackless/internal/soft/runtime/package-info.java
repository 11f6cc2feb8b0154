/**
 * The soft runtime, not exported: the soft strand and its trampoline
 * ({@link org.jstackless.internal.soft.runtime.SoftStrand}), the soft mechanism as the switching
 * layer sees it ({@link org.jstackless.internal.soft.runtime.SoftRuntime}, plugged in by the
 * concepts' layer), the explanation of a refused switch
 * ({@link org.jstackless.internal.soft.runtime.Refusal}) and the tick handler
 * ({@link org.jstackless.internal.soft.runtime.Ticks}). It implements the ABI of
 * {@code org.jstackless.internal.soft} and builds on {@code org.jstackless.internal.switching}.
 */
package org.jstackless.internal.soft.runtime;
