package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md is the map of the code: every class it names exists in the sources, every
 * package it names exists, its state table lists exactly the states of {@code States}, and every
 * method it names in that table exists in the package. A class renamed or moved without the page
 * fails here.
 */
class ArchitecturePageTest {
    private static final Path ROOT = DocPages.moduleDir().getParent();
    private static final Path CORE = ROOT.resolve("jstackless-core/src/main/java/org/jstackless");

    private static Set<String> javaFileNames() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/") && !p.toString().contains("/target/"))
                    .forEach(p -> names.add(p.getFileName().toString().replace(".java", "")));
        }
        return names;
    }

    @Test
    void everyNamedClassAndPackageExists() throws IOException {
        String page = DocPages.page("architecture.md");
        Set<String> files = javaFileNames();
        Set<String> classes = new LinkedHashSet<>();
        Matcher m = Pattern.compile("`(?:[a-z.]*\\.)?([A-Z][a-z][A-Za-z0-9]*)(?:[.#][A-Za-z]+)*`").matcher(page);
        while (m.find()) {
            classes.add(m.group(1));
        }
        assertThat(classes).as("classes named by the page").hasSizeGreaterThan(30);
        for (String c : classes) {
            assertThat(files).as("class %s named by docs/architecture.md", c).contains(c);
        }
        Matcher p = Pattern.compile("`(org\\.jstackless(?:\\.[a-z]+)*)`").matcher(page);
        int packages = 0;
        while (p.find()) {
            packages++;
            String dir = p.group(1).replace('.', '/');
            boolean found;
            try (Stream<Path> modules = Files.list(ROOT)) {
                found = modules.anyMatch(mod -> Files.isDirectory(mod.resolve("src/main/java").resolve(dir))
                        || Files.isDirectory(mod.resolve("src/test/java").resolve(dir)));
            }
            assertThat(found).as("package %s named by docs/architecture.md (in some module's sources)", p.group(1)).isTrue();
        }
        assertThat(packages).isGreaterThan(5);
    }

    @Test
    void theStateTableIsTheStateMachine() throws IOException {
        String page = DocPages.page("architecture.md");
        String states = DocPages.read(CORE.resolve("States.java"));
        Set<String> declared = new TreeSet<>();
        Matcher d = Pattern.compile("static final byte ([A-Z]+) = \\d+;").matcher(states);
        while (d.find()) {
            declared.add(d.group(1));
        }
        String table = page.substring(page.indexOf("## The tasklet state machine"), page.indexOf("## Who owns what"));
        Set<String> listed = new TreeSet<>();
        Matcher r = Pattern.compile("(?m)^\\| `([A-Z]+)` \\|").matcher(table);
        while (r.find()) {
            listed.add(r.group(1));
        }
        assertThat(listed).isEqualTo(declared).hasSize(6);

        // every transition the table names is a method of the package
        StringBuilder sources = new StringBuilder();
        try (Stream<Path> files = Files.list(CORE)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                sources.append(DocPages.read(f));
            }
        }
        Matcher t = Pattern.compile("(?:→ |`[A-Z][A-Za-z]*\\.)`?([a-z][A-Za-z]+)`").matcher(table);
        List<String> methods = t.results().map(x -> x.group(1)).distinct().toList();
        assertThat(methods).hasSizeGreaterThan(15);
        for (String name : methods) {
            assertThat(Pattern.compile("\\b" + name + "\\(").matcher(sources).find())
                    .as("method %s named in the state table", name).isTrue();
        }
    }
}
