package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Stackless;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the select and buffered-channel examples of docs/channels.md and checks the page quotes them. */
class SelectAndBufferPageTest {
    static final List<String> SELECT = List.of(
            "worker: job 2 -> 4", "worker: job 3 -> 9", "worker: stop", "no worker waiting", "timed out");
    static final List<String> BUFFER = List.of(
            "buffered 3, balance 3", "producer blocked true, balance 4",
            "got a", "got b", "got c", "got d", "producer: d went in", "closed true");

    @AfterEach
    void restoreMechanism() {
        Switching.force(null);
    }

    @Test
    void selectWorkerPrintsTheDocumentedLines() throws Exception {
        assertThat(DocPages.runMain(SelectWorker::main)).containsExactlyElementsOf(SELECT);
    }

    @Test
    void bufferedMailboxPrintsTheDocumentedLines() throws Exception {
        assertThat(DocPages.runMain(BufferedMailbox::main)).containsExactlyElementsOf(BUFFER);
    }

    @Test
    void sameOutputOnTheHardMechanisms() throws Exception {
        for (Mechanism m : List.of(Mechanism.CONTINUATION, Mechanism.VIRTUAL_THREAD)) {
            if (!Switching.available().contains(m)) {
                continue;
            }
            Switching.force(m);
            List<String> out = new ArrayList<>();
            Stackless.runAsMain(() -> SelectWorker.demo(out::add));
            assertThat(out).as("%s", m).containsExactlyElementsOf(SELECT);
            out.clear();
            Stackless.runAsMain(() -> BufferedMailbox.demo(out::add));
            assertThat(out).as("%s", m).containsExactlyElementsOf(BUFFER);
        }
    }

    @Test
    void pageQuotesTheExamplesAndTheirOutput() throws Exception {
        DocPages.assertPageQuotes("channels.md", SelectWorker.class);
        DocPages.assertPageQuotes("channels.md", BufferedMailbox.class);
        String page = DocPages.page("channels.md");
        assertThat(page).contains(String.join("\n", SELECT));
        assertThat(page).contains(String.join("\n", BUFFER));
    }
}
