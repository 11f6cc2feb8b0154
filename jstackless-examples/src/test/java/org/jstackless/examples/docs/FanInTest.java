package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Stackless;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanInTest {
    static final List<String> EXPECTED = List.of(
            "1^2 = 1", "2^2 = 4", "3^2 = 9", "4^2 = 16", "5^2 = 25",
            "done, numbers balance 0, results closed true");

    @AfterEach
    void restoreMechanism() {
        Switching.force(null);
    }

    @Test
    void pipelinePrintsTheDocumentedLines() throws Exception {
        assertThat(DocPages.runMain(FanIn::main)).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void sameOutputOnTheVirtualThreadFallback() throws Exception {
        Switching.force(Mechanism.VIRTUAL_THREAD);
        List<String> out = new ArrayList<>();
        Stackless.runAsMain(() -> FanIn.pipeline(out::add));
        assertThat(out).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void pageQuotesTheExamplesAndTheirOutput() throws Exception {
        DocPages.assertPageQuotes("channels.md", FanIn.class);
        DocPages.assertPageQuotes("channels.md", PreferenceTrace.class);
        String page = DocPages.page("channels.md");
        assertThat(page).contains(String.join("\n", EXPECTED));
        assertThat(page).contains(String.join("\n", DocPages.runMain(PreferenceTrace::main)));
    }
}
