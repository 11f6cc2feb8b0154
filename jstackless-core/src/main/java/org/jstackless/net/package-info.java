/**
 * Sockets for tasklets: {@link org.jstackless.net.TaskletServerSocket} and
 * {@link org.jstackless.net.TaskletSocket}, whose operations suspend only the calling tasklet while
 * the socket is not ready; each scheduler polls its own sockets. See docs/net.md.
 */
package org.jstackless.net;
