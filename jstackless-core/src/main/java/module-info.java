/**
 * jstackless core: tasklets, the per-thread scheduler and channels.
 * Only {@code org.jstackless} and {@code org.jstackless.sync} are exported (and the woven-code ABI); switching mechanisms and other internals stay hidden.
 */
module org.jstackless.core {
    exports org.jstackless;
    // Tasklet-aware lock, semaphore, condition and event (docs/sync.md).
    exports org.jstackless.sync;
    // The pickler creates plain objects without running their constructors (ReflectionFactory), as java.io does.
    requires jdk.unsupported;
    // Woven code (in any module) calls the soft runtime's entry points; nothing else is in this package.
    exports org.jstackless.internal.soft;
}
