package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoftSafetyTest {
    static final List<String> EXPECTED = List.of(
            "t soft true, u soft true",
            "refused: a soft tasklet cannot switch here",
            "processed(b)",
            "t alive false, u alive false");

    @Test
    void demoPrintsTheDocumentedLines() throws Exception {
        assertThat(DocPages.runMain(SoftSafety::main)).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void pageQuotesTheExampleAndItsOutput() throws Exception {
        DocPages.assertPageQuotes("switching.md", SoftSafety.class);
        assertThat(DocPages.page("switching.md")).contains(String.join("\n", EXPECTED));
    }
}
