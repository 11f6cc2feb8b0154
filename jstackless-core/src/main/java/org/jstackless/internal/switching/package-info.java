/**
 * The switching primitive: strands ("run until it yields") on a per-thread carrier trampoline,
 * with the hard mechanisms (JDK continuation, virtual-thread hand-off). Knows nothing of tasklets.
 */
package org.jstackless.internal.switching;
