/**
 * jstackless core: tasklets, the per-thread scheduler and channels.
 * Exported: the API packages {@code org.jstackless}, {@code org.jstackless.sync},
 * {@code org.jstackless.net} and {@code org.jstackless.observe}, and the woven-code ABI; switching mechanisms and other internals stay hidden.
 */
module org.jstackless.core {
    exports org.jstackless;
    // Tasklet-aware lock, semaphore, condition and event (docs/sync.md).
    exports org.jstackless.sync;
    // The pickler creates plain objects without running their constructors (ReflectionFactory), as java.io does.
    requires jdk.unsupported;
    exports org.jstackless.observe;
    // Suspendable sockets (TaskletSocket, TaskletServerSocket).
    exports org.jstackless.net;
    // The weaver-runtime ABI: the types woven code (in any module) touches, and nothing else:
    // SoftContext, Frame, FrameStore, MethodInfo, Preemption, Reentry (its dispatcher, implemented in
    // the woven class's own lookup), Woven, WovenMethod, Boundary. The soft runtime that implements it
    // (org.jstackless.internal.soft.runtime) is not exported.
    exports org.jstackless.internal.soft;
    // Flight Recorder instruments and reads the event classes.
    exports org.jstackless.internal.jfr to jdk.jfr;

    // Observation is optional: each part is skipped at run time when its JDK module is absent.
    requires static java.management;
    requires static jdk.jfr;
    requires static jdk.attach;
}
