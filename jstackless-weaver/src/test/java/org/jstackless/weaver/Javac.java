package org.jstackless.weaver;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helper: compiles sources to a directory with the JDK's javac tool. */
final class Javac {
    private Javac() {
    }

    static Path compile(Path dir, Map<String, String> sources) throws IOException {
        Path out = dir.resolve("classes");
        List<String> args = new ArrayList<>(List.of("-classpath", System.getProperty("java.class.path"), "-g",
                "-nowarn", "-proc:none", "--release", "25", "-d", out.toString()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path p = dir.resolve("src").resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
            args.add(p.toString());
        }
        StringWriter err = new StringWriter();
        int rc = java.util.spi.ToolProvider.findFirst("javac").orElseThrow()
                .run(new PrintWriter(err), new PrintWriter(err), args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalArgumentException("compilation failed: " + err);
        }
        return out;
    }

    static Map<String, byte[]> read(Path classes) throws IOException {
        Map<String, byte[]> r = new HashMap<>();
        try (var s = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = classes.relativize(p).toString();
                if (n.endsWith(".class")) {
                    r.put(n.substring(0, n.length() - 6).replace(File.separatorChar, '/'), Files.readAllBytes(p));
                }
            }
        }
        return r;
    }
}
