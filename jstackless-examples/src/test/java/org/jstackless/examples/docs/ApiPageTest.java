package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md is the index of the public surface. The core's module-info decides what is public
 * (its unqualified {@code exports}); this test reads it and the sources, and fails when an exported
 * API package has a public top-level type that the page does not name, or when the page names an
 * exported package that no longer exists.
 */
class ApiPageTest {
    private static final Pattern EXPORT = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);

    private static Path coreSources() {
        return DocPages.moduleDir().resolveSibling("jstackless-core").resolve("src/main/java");
    }

    /** Unqualified exports, without the woven-code ABI (internal packages are not for people). */
    static List<String> apiPackages() throws Exception {
        String info = DocPages.read(coreSources().resolve("module-info.java"));
        List<String> out = new ArrayList<>();
        Matcher m = EXPORT.matcher(info);
        while (m.find()) {
            if (!m.group(1).contains(".internal.")) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    static List<String> publicTypes(String pkg) throws Exception {
        Path dir = coreSources().resolve(pkg.replace('.', '/'));
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = PUBLIC_TYPE.matcher(DocPages.read(f));
                if (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    @Test
    void everyPublicTypeOfEveryExportedPackageIsOnThePage() throws Exception {
        String page = DocPages.page("api.md");
        List<String> packages = apiPackages();
        assertThat(packages).as("the core exports its API packages").contains("org.jstackless");
        List<String> missing = new ArrayList<>();
        int seen = 0;
        for (String pkg : packages) {
            assertThat(page).as("docs/api.md has a section for the exported package %s", pkg).contains("`" + pkg + "`");
            for (String type : publicTypes(pkg)) {
                seen++;
                if (!page.contains("`" + type + "`")) {
                    missing.add(pkg + "." + type);
                }
            }
        }
        assertThat(seen).as("public types found in the exported packages").isGreaterThan(30);
        assertThat(missing).as("public types that docs/api.md does not name (add a row for each)").isEmpty();
    }

    @Test
    void thePageNamesNoPackageTheModuleDoesNotExport() throws Exception {
        String page = DocPages.page("api.md");
        List<String> packages = apiPackages();
        Matcher m = Pattern.compile("^## `(org\\.jstackless[\\w.]*)`", Pattern.MULTILINE).matcher(page);
        int sections = 0;
        while (m.find()) {
            sections++;
            assertThat(packages).as("docs/api.md section for %s", m.group(1)).contains(m.group(1));
        }
        assertThat(sections).isEqualTo(packages.size());
    }
}
