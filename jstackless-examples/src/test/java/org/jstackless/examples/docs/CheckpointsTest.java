package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/pickling.md's checkpoint example: its output, and the page quoting it. */
class CheckpointsTest {
    static final List<String> EXPECTED = List.of(
            "clerk blocked on the restored inbox: true",
            "done: 3 x apple",
            "done: 2 x pear",
            "the same checkpoint again: refused (sequence 1, already loaded 1)");

    @Test
    void checkpointsPrintsTheDocumentedLines() throws Exception {
        assertThat(DocPages.runMain(Checkpoints::main)).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void pageQuotesTheExampleAndItsOutput() throws Exception {
        DocPages.assertPageQuotes("pickling.md", Checkpoints.class);
        assertThat(DocPages.page("pickling.md")).contains(String.join("\n", EXPECTED));
    }
}
