/**
 * jstackless core: tasklets, the per-thread scheduler and channels.
 * Only {@code org.jstackless} and {@code org.jstackless.net} are exported; switching mechanisms and other internals stay hidden.
 */
module org.jstackless.core {
    exports org.jstackless;
    // Suspendable sockets (TaskletSocket, TaskletServerSocket).
    exports org.jstackless.net;
    // Woven code (in any module) calls the soft runtime's entry points; nothing else is in this package.
    exports org.jstackless.internal.soft;
}
