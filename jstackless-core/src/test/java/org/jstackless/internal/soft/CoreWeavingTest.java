package org.jstackless.internal.soft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jstackless.weaver.WeaveReport;
import org.junit.jupiter.api.Test;

/**
 * The core itself is woven at build time: weaving its classes must pass every build-time check and
 * verification, with no list of leaf primitives (they get only the entry handshake).
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
            WeaveReport r = WeavingLoader.weaver().weaveDirectory(copy);
            try (var s = Files.walk(copy)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = copy.relativize(p).toString();
                    if (n.endsWith(".class") && !n.endsWith("module-info.class")) {
                        all.put(n.substring(0, n.length() - 6).replace('/', '.'), Files.readAllBytes(p));
                    }
                }
            }
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                assertThat(WeavingLoader.verify(e.getValue(), all)).as(e.getKey()).isEmpty();
            }
            System.out.println("core woven: " + r);
            assertThat(r.classesWoven()).isPositive();
        } finally {
            WeavingLoader.delete(copy);
        }
    }
}
