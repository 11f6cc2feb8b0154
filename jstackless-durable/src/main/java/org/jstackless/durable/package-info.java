/**
 * Durable tasklets: soft tasklets with a stable id, checkpointed (their pickle plus a sequence
 * number) into a {@link org.jstackless.durable.DurableStore} at every suspension made through this
 * package ({@link org.jstackless.durable.Durable#checkpoint()}, {@link org.jstackless.durable.Durable#sleep},
 * {@link org.jstackless.durable.Durable#step}, {@link org.jstackless.durable.DurableChannel} operations), and
 * resumed from their last checkpoint when the store is opened again after a crash.
 *
 * <p>Start with {@link org.jstackless.durable.DurableRuntime#open(java.nio.file.Path, Class...)};
 * docs/durable.md states the guarantees.
 */
package org.jstackless.durable;
