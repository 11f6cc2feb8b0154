package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Keeps the docs pages and their example classes in sync, and runs the examples' main methods. */
final class DocPages {
    private DocPages() {
    }

    /** The examples module's directory (surefire sets basedir; a plain IDE run starts there). */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /** The text of {@code docs/<name>} at the repository root. */
    static String page(String name) throws IOException {
        return read(moduleDir().resolveSibling("docs").resolve(name));
    }

    /** The source file of an example class of this module. */
    static String source(Class<?> example) throws IOException {
        return read(moduleDir().resolve("src/main/java").resolve(example.getName().replace('.', '/') + ".java"));
    }

    /** Asserts that the page quotes the class's whole source file verbatim. */
    static void assertPageQuotes(String page, Class<?> example) throws IOException {
        assertThat(page(page))
                .as("docs/%s must quote %s.java verbatim (copy the file into the page again)",
                        page, example.getSimpleName())
                .contains(source(example));
    }

    /** Runs {@code main} with System.out captured; returns the printed lines. */
    static List<String> runMain(ThrowingMain main) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            main.run(new String[0]);
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n").lines().toList();
    }

    @FunctionalInterface
    interface ThrowingMain {
        void run(String[] args) throws Exception;
    }
}
