/**
 * jstackless: Stackless Python's tasklets, scheduler and channels for the JVM.
 *
 * <p>Start with {@link org.jstackless.Tasklet}, {@link org.jstackless.Channel} and
 * {@link org.jstackless.Stackless}. Every method that may switch tasklets declares
 * {@code throws Suspendable}; a tasklet whose code is woven switches softly (its frames unwind to
 * the heap), any other runs hard (on a JDK continuation).
 */
package org.jstackless;
