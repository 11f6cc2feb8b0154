package org.jstackless.agent;

import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import org.jstackless.weaver.WeaveException;
import org.jstackless.weaver.Weaver;
import org.jstackless.weaver.WeaverOptions;

/**
 * Weaves each class that mentions {@code org/jstackless/} as it loads. Classes that do
 * not (nearly all of them) are recognised by a byte search of the class file and left alone, so
 * the agent costs almost nothing at start-up.
 *
 * <p>A class that fails a weaving check is loaded unwoven and the failure is printed once: its
 * tasklets then stop with a clear error at their first suspension through it (or can run hard),
 * rather than the whole program failing to start.
 */
final class WeavingTransformer implements ClassFileTransformer {
    /**
     * Classes that mention jstackless at all: a class may call a suspendable method without naming
     * {@code Suspendable} (inside {@code catch (Throwable)}, or through a generic {@code throws E}).
     */
    private static final byte[] MARKER = "org/jstackless/".getBytes(StandardCharsets.ISO_8859_1);

    private final boolean verbose;

    WeavingTransformer(String args) {
        this.verbose = args != null && args.contains("verbose");
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) {
        if (className == null || isAgentCode(domain) || isCore(className) || !mentionsSuspendable(classFile)) {
            return null;
        }
        try {
            Weaver w = new Weaver(WeaverOptions.defaults()
                    .classLoader(loader != null ? loader : ClassLoader.getPlatformClassLoader()));
            org.jstackless.weaver.WeaveReport report = new org.jstackless.weaver.WeaveReport();
            byte[] out = w.weaveClass(classFile, report);
            for (String warning : report.warnings()) {
                System.err.println("jstackless-agent: WARNING " + warning);
            }
            if (out == classFile) {
                return null;
            }
            if (verbose) {
                System.err.println("jstackless-agent: wove " + className.replace('/', '.'));
            }
            return out;
        } catch (WeaveException e) {
            System.err.println("jstackless-agent: " + className.replace('/', '.') + " left unwoven: " + e.getMessage());
            return null;
        } catch (RuntimeException | LinkageError e) {
            System.err.println("jstackless-agent: " + className.replace('/', '.') + " left unwoven: internal error " + e);
            return null;
        }
    }

    /** jstackless-core's own classes: woven when the core was built, nothing left to do. */
    private static boolean isCore(String className) {
        return className.startsWith("org/jstackless/internal/")
                || className.startsWith("org/jstackless/") && className.indexOf('/', "org/jstackless/".length()) < 0;
    }

    /** The agent's own classes (its jar, with the shaded weaver) are never woven. */
    private static boolean isAgentCode(ProtectionDomain domain) {
        var mine = WeavingTransformer.class.getProtectionDomain().getCodeSource();
        var theirs = domain == null ? null : domain.getCodeSource();
        return mine != null && theirs != null && mine.getLocation().equals(theirs.getLocation());
    }

    static boolean mentionsSuspendable(byte[] b) {
        byte first = MARKER[0];
        int last = b.length - MARKER.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (b[i] != first) {
                continue;
            }
            for (int j = 1; j < MARKER.length; j++) {
                if (b[i + j] != MARKER[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
