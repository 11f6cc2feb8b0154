package org.jstackless.internal.switching;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the frames of jstackless-core (and of the JDK's continuation support) from the user's, so
 * that a hard tasklet's suspended stack shows the user's code only: what sits between the
 * suspending primitive (innermost) and the strand's entry (outermost) is kept as it is.
 */
public final class CoreFrames {
    private static final ConcurrentHashMap<String, Boolean> CORE = new ConcurrentHashMap<>();

    private CoreFrames() {
    }

    /** {@code st} without its leading and trailing runs of core or continuation-support frames. */
    public static StackTraceElement[] userPart(StackTraceElement[] st) {
        int from = 0;
        int to = st.length;
        while (from < to && isCore(st[from])) {
            from++;
        }
        while (to > from && isCore(st[to - 1])) {
            to--;
        }
        return Arrays.copyOfRange(st, from, to);
    }

    /** True for a frame of jstackless-core itself or of {@code jdk.internal.vm}. */
    public static boolean isCore(StackTraceElement e) {
        String n = e.getClassName();
        if (n.startsWith("jdk.internal.vm.") || n.startsWith("org.jstackless.internal.") || n.startsWith("org.jstackless.observe.")
                || "org.jstackless.core".equals(e.getModuleName())) {
            return true;
        }
        if (!n.startsWith("org.jstackless.") || n.indexOf('.', "org.jstackless.".length()) >= 0) {
            return false;
        }
        // org.jstackless.X: core's own classes, unless the user's code shares the package (tests do).
        return CORE.computeIfAbsent(n, CoreFrames::sameSourceAsCore);
    }

    private static boolean sameSourceAsCore(String name) {
        try {
            Class<?> c = Class.forName(name, false, CoreFrames.class.getClassLoader());
            var mine = CoreFrames.class.getProtectionDomain().getCodeSource();
            var theirs = c.getProtectionDomain().getCodeSource();
            return mine != null && theirs != null && mine.getLocation().equals(theirs.getLocation());
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return false;
        }
    }
}
