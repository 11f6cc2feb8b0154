/**
 * The switching primitive: strands ("run until it yields") on a per-thread carrier trampoline,
 * with the hard mechanisms (JDK continuation, virtual-thread hand-off). Knows nothing of tasklets
 * or of the public API (strand bodies are plain objects that the concept's {@code StrandEntry}
 * runs), nor of soft switching: that mechanism is plugged in from above
 * ({@link org.jstackless.internal.switching.Switching#plug}); the only name of the soft ABI used
 * here is its {@code Boundary} annotation, an instruction to the weaver.
 */
package org.jstackless.internal.switching;
