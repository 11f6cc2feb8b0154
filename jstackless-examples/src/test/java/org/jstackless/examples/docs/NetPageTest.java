package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/net.md: its example is quoted verbatim, runs, and prints what the page says. */
class NetPageTest {
    static final List<String> EXPECTED = List.of("alpha -> ALPHA", "beta -> BETA", "gamma -> GAMMA");

    @Test
    void lineEchoPrintsTheDocumentedLines() throws Exception {
        assertThat(DocPages.runMain(LineEcho::main)).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void pageQuotesTheExampleAndItsOutput() throws Exception {
        DocPages.assertPageQuotes("net.md", LineEcho.class);
        String page = DocPages.page("net.md");
        assertThat(page).contains(String.join("\n", EXPECTED));
        assertThat(page).contains("./jstackless example echo-server --port 7000",
                "./jstackless example http-server --port 8080 --carriers 2", "./jstackless example chat-server --port 7001");
    }
}
