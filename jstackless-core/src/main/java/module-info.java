/**
 * jstackless core: tasklets, the per-thread scheduler and channels.
 * Only {@code org.jstackless} is exported; switching mechanisms and other internals stay hidden.
 */
module org.jstackless.core {
    exports org.jstackless;
}
