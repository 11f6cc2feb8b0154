package org.jstackless.internal.soft;

import org.jstackless.internal.soft.runtime.SoftRuntime;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.jstackless.testing.WeavingLoader;

/**
 * The core itself is woven at build time (the jstackless-maven-plugin runs on this module): its
 * classes are stamped, pass verification, and weaving them again is a no-op; no list of leaf
 * primitives exists (they get only the entry handshake).
 */
class CoreWeavingTest {
    @Test
    void theCoreWeavesCleanly() throws Exception {
        Path classes = Path.of(org.jstackless.Stackless.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path copy = Files.createTempDirectory("jsl-core");
        try {
            Map<String, byte[]> all = new HashMap<>();
            try (var s = Files.walk(classes)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Path d = copy.resolve(classes.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(d);
                    } else {
                        Files.copy(p, d);
                    }
                }
            }
            // Class by class, so that one rule violation does not hide the others.
            org.jstackless.weaver.Weaver w = WeavingLoader.weaver();
            java.util.List<String> violations = new java.util.ArrayList<>();
            int woven = 0;
            try (var s = Files.walk(copy)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = copy.relativize(p).toString();
                    if (n.endsWith(".class") && !n.endsWith("module-info.class")) {
                        byte[] in = Files.readAllBytes(p);
                        byte[] out = in;
                        try {
                            out = w.weaveClass(in);
                        } catch (org.jstackless.weaver.WeaveException e) {
                            violations.add(e.getMessage());
                        }
                        woven += out != in ? 1 : 0;
                        all.put(n.substring(0, n.length() - 6).replace('/', '.'), out);
                    }
                }
            }
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                assertThat(WeavingLoader.verify(e.getValue(), all)).as(e.getKey()).isEmpty();
            }
            // The API classes holding the primitives and composite operations weave cleanly.
            assertThat(String.join("\n", violations)).doesNotContain("org.jstackless.Stackless.",
                    "org.jstackless.Tasklet.", "org.jstackless.Channel.");
            assertThat(violations).isEmpty();
            // The build already wove them: a second pass changes nothing.
            assertThat(woven).isZero();
            for (Class<?> c : new Class<?>[] {org.jstackless.Stackless.class, org.jstackless.Tasklet.class,
                    org.jstackless.Channel.class}) {
                assertThat(SoftRuntime.isWovenClass(c)).as(c.getName() + " is woven by the build").isTrue();
            }
        } finally {
            WeavingLoader.delete(copy);
        }
    }
}
