/**
 * Seeing the tasklets of a running JVM: {@link org.jstackless.observe.TaskletDump} (every live
 * tasklet, grouped by scheduler, as text or JSON), the {@link org.jstackless.observe.TaskletsMXBean}
 * registered as {@value org.jstackless.observe.TaskletsMXBean#OBJECT_NAME} (metrics and the dump,
 * for jconsole, JMC and {@code ./jstackless dump PID}), and JFR events named {@code jstackless.*}.
 * See docs/observability.md.
 */
package org.jstackless.observe;
