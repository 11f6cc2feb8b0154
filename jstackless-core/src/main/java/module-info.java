/**
 * jstackless core: tasklets, the per-thread scheduler and channels.
 * Exported: the API packages {@code org.jstackless}, {@code org.jstackless.sync} and
 * {@code org.jstackless.observe}, and the woven-code ABI; switching mechanisms and other internals stay hidden.
 */
module org.jstackless.core {
    exports org.jstackless;
    // Tasklet-aware lock, semaphore, condition and event (docs/sync.md).
    exports org.jstackless.sync;
    // The pickler creates plain objects without running their constructors (ReflectionFactory), as java.io does.
    requires jdk.unsupported;
    exports org.jstackless.observe;
    // Woven code (in any module) calls the soft runtime's entry points; nothing else is in this package.
    exports org.jstackless.internal.soft;
    // Flight Recorder instruments and reads the event classes.
    exports org.jstackless.internal.jfr to jdk.jfr;

    // Observation is optional: each part is skipped at run time when its JDK module is absent.
    requires static java.management;
    requires static jdk.jfr;
    requires static jdk.attach;
}
