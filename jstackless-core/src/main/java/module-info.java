/**
 * jstackless core: tasklets, the per-thread scheduler and channels.
 * Only {@code org.jstackless} and {@code org.jstackless.observe} are exported; switching mechanisms
 * and other internals stay hidden.
 */
module org.jstackless.core {
    exports org.jstackless;
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
