package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jstackless.cluster.bank.ClusterBankOptionsAccess;
import org.junit.jupiter.api.Test;

/**
 * docs/cluster.md: its Java blocks are quoted verbatim from the code that runs (MigrateDemo, which
 * MigrateDemoTest runs, and ClusterBank), its output block is what MigrateDemoTest checks, its
 * commands parse, and it names the tests that exist.
 */
class ClusterPageTest {
    static Path root() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    }

    static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /** The fenced blocks of {@code page} whose info string is {@code lang} ("" for none). */
    static List<String> blocks(String page, String lang) {
        List<String> out = new ArrayList<>();
        StringBuilder b = null;
        boolean mine = false;
        for (String line : page.lines().toList()) {
            if (line.startsWith("```")) {
                if (b == null) {
                    b = new StringBuilder();
                    mine = line.substring(3).strip().equals(lang);
                } else {
                    if (mine) {
                        out.add(b.toString());
                    }
                    b = null;
                }
            } else if (b != null) {
                b.append(line).append('\n');
            }
        }
        return out;
    }

    /** {@code text} with every non-blank line indented by {@code n} spaces. */
    static String indent(String text, int n) {
        return String.join("\n", text.strip().lines().map(l -> l.isBlank() ? "" : " ".repeat(n) + l).toList());
    }

    @Test
    void theJavaBlocksAreTheCodeThatRuns() throws Exception {
        String page = read(root().resolve("docs/cluster.md"));
        String demo = read(root().resolve("jstackless-cluster/src/main/java/org/jstackless/cluster/demo/MigrateDemo.java"));
        String bank = read(root().resolve("jstackless-cluster/src/main/java/org/jstackless/cluster/bank/ClusterBank.java"));
        List<String> java = blocks(page, "java");
        assertThat(java).hasSize(3);
        assertThat(demo).contains(indent(java.get(0), 4), indent(java.get(1), 4));
        assertThat(bank).contains(indent(java.get(2).substring(0, java.get(2).indexOf("    ...")), 8));
    }

    @Test
    void theOutputIsTheDemos() throws Exception {
        String page = read(root().resolve("docs/cluster.md"));
        String out = blocks(page, "").stream().filter(b -> b.startsWith("n1: enter level 1")).findFirst().orElseThrow();
        assertThat(out.strip().lines().toList()).containsExactlyElementsOf(MigrateDemoTest.expected());
    }

    @Test
    void theCommandsParseAndTheTestsExist() throws Exception {
        String page = read(root().resolve("docs/cluster.md"));
        String cmds = blocks(page, "").stream().filter(b -> b.contains("./jstackless example bank")).findFirst().orElseThrow();
        for (String line : cmds.strip().lines().toList()) {
            List<String> words = List.of(line.split("\\s+"));
            assertThat(words.subList(0, 2)).containsExactly("./jstackless", "example");
            if (words.get(2).equals("bank")) {
                assertThat(ClusterBankOptionsAccess.parses(words.subList(3, words.size()).toArray(String[]::new))).isTrue();
            } else {
                assertThat(words.get(2)).isEqualTo("migrate");
            }
        }
        assertThat(read(root().resolve("jstackless"))).contains("= migrate ]", "org.jstackless.cluster.demo.MigrateDemo",
                "org.jstackless.cluster.bank.ClusterBank");
        Matcher m = Pattern.compile("`(\\w+Test)`").matcher(page);
        int n = 0;
        while (m.find()) {
            n++;
            String t = m.group(1);
            boolean exists = Files.exists(root().resolve("jstackless-cluster/src/test/java/org/jstackless/cluster/" + t + ".java"))
                    || Files.exists(root().resolve("jstackless-cluster/src/test/java/org/jstackless/cluster/bank/" + t + ".java"));
            assertThat(exists).as("test %s named by the page exists", t).isTrue();
        }
        assertThat(n).isGreaterThanOrEqualTo(7);
    }
}
