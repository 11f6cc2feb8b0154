/**
 * A user-defined concurrency concept (actors with mailboxes) built on {@link org.jstackless.Coroutine}
 * and its own {@link org.jstackless.Group}, coexisting with tasklets, greenlets and generators.
 */
package org.jstackless.examples.actor;
