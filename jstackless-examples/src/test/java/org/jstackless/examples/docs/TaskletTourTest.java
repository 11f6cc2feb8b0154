package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Stackless;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskletTourTest {
    static final List<String> EXPECTED = List.of(
            "run count 4",
            "a1", "b1", "c1", "a2", "b2", "c2",
            "run count 1",
            "sleeper paused true",
            "sleeper woke with a value from main",
            "waiter blocked true, balance -1",
            "waiter cleans up",
            "waiter alive false, balance 0",
            "run() threw: bad input, run count 2",
            "the next tasklet still runs");

    @AfterEach
    void restoreMechanism() {
        Switching.force(null);
    }

    @Test
    void tourPrintsTheDocumentedLines() throws Exception {
        assertThat(DocPages.runMain(TaskletTour::main)).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void sameOutputOnTheVirtualThreadFallback() throws Exception {
        Switching.force(Mechanism.VIRTUAL_THREAD);
        List<String> out = new ArrayList<>();
        Stackless.runAsMain(() -> TaskletTour.tour(out::add));
        assertThat(out).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void pageQuotesTheExampleAndItsOutput() throws Exception {
        DocPages.assertPageQuotes("tasklets.md", TaskletTour.class);
        assertThat(DocPages.page("tasklets.md")).contains(String.join("\n", EXPECTED));
    }
}
