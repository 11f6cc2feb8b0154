package org.jstackless.mn;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * CPU time of the calling thread, through {@code ThreadMXBean} looked up reflectively: test sources
 * compile inside the core module, which does not read {@code java.management}; at run time the
 * tests are on the class path, where it is readable.
 */
final class Cpu {
    private static final Object BEAN;
    private static final MethodHandle CPU_TIME;

    static {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Class<?> beanType = Class.forName("java.lang.management.ThreadMXBean");
            BEAN = factory.getMethod("getThreadMXBean").invoke(null);
            CPU_TIME = MethodHandles.publicLookup().findVirtual(beanType, "getCurrentThreadCpuTime",
                    MethodType.methodType(long.class)).bindTo(BEAN);
            boolean supported = (boolean) beanType.getMethod("isCurrentThreadCpuTimeSupported").invoke(BEAN);
            if (!supported) {
                throw new IllegalStateException("this JVM cannot measure thread CPU time");
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Cpu() {
    }

    /** CPU time the calling thread has used, in nanoseconds. */
    static long currentThreadNanos() {
        try {
            return (long) CPU_TIME.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
