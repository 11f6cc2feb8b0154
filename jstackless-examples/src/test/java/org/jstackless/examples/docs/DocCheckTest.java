package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the commands and figures that README.md and docs/ give cannot drift silently. Each test
 * reads the text as a user would and checks it against the scripts, the build files, or a run.
 * (The example classes that pages quote verbatim are checked by the page tests next to this one.)
 */
class DocCheckTest {
    private static Path root() {
        return DocPages.moduleDir().getParent();
    }

    private static String readme() throws Exception {
        return DocPages.read(root().resolve("README.md"));
    }

    private static List<String> blocks(String text, String lang) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```" + lang + "\\n(.*?)```", Pattern.DOTALL).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("text matching /%s/", regex).isTrue();
        return m.group(1);
    }

    // CONTRIBUTING rule: the README gives exactly two set-up commands, and both are the script's
    @Test
    void setUpIsExactlyTheTwoScriptCommands() throws Exception {
        String setUp = blocks(readme(), "sh").get(0);
        List<String> commands = setUp.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).toList();
        assertThat(commands).containsExactly("./jstackless demo", "./jstackless test");
    }

    // every `./jstackless X` and `bench PROFILE` that README or a docs page mentions exists in the scripts
    @Test
    void everyScriptCommandMentionedExists() throws Exception {
        String script = DocPages.read(root().resolve("jstackless"));
        String compare = DocPages.read(root().resolve("bench/compare"));
        Set<String> subcommands = new LinkedHashSet<>();
        Matcher c = Pattern.compile("(?m)^  ([a-z|-]+)\\)").matcher(script);
        while (c.find()) {
            subcommands.addAll(List.of(c.group(1).split("\\|")));
        }
        Set<String> profiles = new LinkedHashSet<>();
        Matcher p = Pattern.compile("(?m)^  ([a-z|-]+)\\)").matcher(compare);
        while (p.find()) {
            profiles.addAll(List.of(p.group(1).split("\\|")));
        }
        List<String> texts = new ArrayList<>(List.of(readme()));
        try (Stream<Path> pages = Files.list(root().resolve("docs"))) {
            for (Path page : pages.filter(f -> f.toString().endsWith(".md")).toList()) {
                texts.add(DocPages.read(page));
            }
        }
        int seen = 0;
        for (String t : texts) {
            Matcher m = Pattern.compile("\\./jstackless ([a-z]+)(?: \\[?([a-z|]+))?").matcher(t);
            while (m.find()) {
                seen++;
                assertThat(subcommands).as("`./jstackless %s` is a command of the script", m.group(1)).contains(m.group(1));
                if (m.group(1).equals("bench") && m.group(2) != null) {
                    for (String prof : m.group(2).split("\\|")) {
                        assertThat(profiles).as("bench profile %s exists in bench/compare", prof).contains(prof);
                    }
                }
            }
        }
        assertThat(seen).isGreaterThanOrEqualTo(3);
    }

    // the README's way to keep and inspect a pickle works as written, and the size it states holds
    @Test
    void keepAndInspectAPickleAsTheReadmeSays(@TempDir Path dir) throws Exception {
        String block = blocks(readme(), "sh").stream().filter(b -> b.contains("PickleDemo --save")).findFirst().orElseThrow();
        List<String> javaLines = block.lines().filter(l -> l.startsWith("java ")).toList();
        assertThat(javaLines).hasSize(2);
        List<String> outputs = new ArrayList<>();
        for (String line : javaLines) {
            List<String> words = List.of(line.split("\\s+"));
            int cls = words.indexOf("$CP") + 1;
            assertThat(cls).as("class after -cp $CP in: %s", line).isPositive();
            String[] args = words.subList(cls + 1, words.size()).stream()
                    .map(w -> w.endsWith(".pickle") ? dir.resolve(w).toString() : w).toArray(String[]::new);
            Method main = Class.forName(words.get(cls)).getMethod("main", String[].class);
            outputs.add(String.join("\n", DocPages.runMain(a -> main.invoke(null, (Object) args))));
        }
        assertThat(outputs.get(1)).contains("signature       valid", "frames          15 (innermost first)");
        int bytes = Integer.parseInt(group(outputs.get(0), ": (\\d+) bytes"));
        // README states "about N bytes"; PicklingPageTest holds N within 5% of the measured size.
        assertThat(readme()).contains("pickles it to a file (about ");
        assertThat(bytes).as("the demo pickle is a few hundred bytes").isBetween(100, 999);
    }

    // the agent jar's name, the module-path flag and the Maven version in README are the build's
    @Test
    void namesAndVersionsComeFromTheBuild() throws Exception {
        String pom = DocPages.read(root().resolve("pom.xml"));
        String version = group(pom, "<artifactId>jstackless-parent</artifactId>\\s*<version>([^<]+)</version>");
        String agentPom = DocPages.read(root().resolve("jstackless-agent/pom.xml"));
        assertThat(agentPom).contains("<artifactId>jstackless-agent</artifactId>").doesNotContain("<finalName>");
        assertThat(readme()).contains("-javaagent:jstackless-agent/target/jstackless-agent-" + version + ".jar");

        String moduleInfo = DocPages.read(root().resolve("jstackless-core/src/main/java/module-info.java"));
        String module = group(moduleInfo, "module ([a-z.]+) \\{");
        assertThat(readme()).contains("--add-exports java.base/jdk.internal.vm=" + module + "`");

        String pluginPom = DocPages.read(root().resolve("jstackless-maven-plugin/pom.xml"));
        String maven = group(pluginPom, "<maven.api.version>([^<]+)</maven.api.version>");
        assertThat(readme()).contains("needs Maven " + maven + " or newer");
    }

    // every docs/ link of README and of the pages points to a file that exists
    @Test
    void linksPointToExistingPages() throws Exception {
        List<Path> sources = new ArrayList<>(List.of(root().resolve("README.md")));
        try (Stream<Path> pages = Files.list(root().resolve("docs"))) {
            sources.addAll(pages.filter(f -> f.toString().endsWith(".md")).toList());
        }
        int links = 0;
        for (Path src : sources) {
            Matcher m = Pattern.compile("\\]\\(([^)#:]+\\.(?:md|png))(?:#[^)]*)?\\)").matcher(DocPages.read(src));
            while (m.find()) {
                links++;
                assertThat(src.getParent().resolve(m.group(1))).as("link %s in %s", m.group(1), src.getFileName()).exists();
            }
        }
        assertThat(links).isGreaterThanOrEqualTo(10);
    }

    // the README's Java example compiles against the library and prints what it promises
    @Test
    void readmeExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
        String source = blocks(readme(), "java").get(0);
        String name = group(source, "public class (\\w+)");
        Path src = dir.resolve(name + ".java");
        Files.writeString(src, source, StandardCharsets.UTF_8);
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(new PrintStream(err, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "-classpath", System.getProperty("java.class.path"), "-proc:none", "-d", dir.toString(), src.toString());
        assertThat(rc).as("javac: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        try (URLClassLoader l = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = l.loadClass(name).getMethod("main", String[].class);
            List<String> printed = DocPages.runMain(a -> main.invoke(null, (Object) new String[0]));
            assertThat(printed).containsExactly("main got 1", "main got 2", "main got 3");
        }
    }
}
