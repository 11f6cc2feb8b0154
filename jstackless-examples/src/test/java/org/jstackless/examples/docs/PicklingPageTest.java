package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jstackless.examples.PickleDemo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/pickling.md quotes the demo verbatim (PickleDemoTest runs it across two JVMs), and the
 * demo pickle's size that README.md and the page state is the size the demo writes.
 */
class PicklingPageTest {
    @Test
    void thePageQuotesTheDemo() throws Exception {
        DocPages.assertPageQuotes("pickling.md", PickleDemo.class);
    }

    static int number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("the text has /%s/", regex).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theStatedPickleSizeIsTheDemosPickleSize(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.pickle");
        DocPages.runMain(args -> PickleDemo.save(f));
        long size = Files.size(f);
        String readme = DocPages.read(DocPages.moduleDir().resolveSibling("README.md"));
        String page = DocPages.page("pickling.md");
        int readmeAbout = number(readme, "pickles it to a file \\(about (\\d+) bytes\\)");
        int pageAbout = number(page, "The `recurs\\(14\\)` pickle is about (\\d+) bytes");
        int pageOutput = number(page, "pickled the tasklet \\(15 frames\\) to tasklet….pickle: (\\d+) bytes");
        assertThat((double) readmeAbout).as("README.md: 'about N bytes' within 5%% of %d", size)
                .isBetween(size * 0.95, size * 1.05);
        assertThat((double) pageAbout).as("docs/pickling.md: 'about N bytes' within 5%% of %d", size)
                .isBetween(size * 0.95, size * 1.05);
        assertThat((long) pageOutput).as("docs/pickling.md: the demo's output line").isEqualTo(size);
    }
}
