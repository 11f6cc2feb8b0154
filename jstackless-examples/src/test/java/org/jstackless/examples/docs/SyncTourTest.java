package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Stackless;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/sync.md: its example prints what the page shows, on every mechanism; the page quotes it verbatim. */
class SyncTourTest {
    @AfterEach
    void restoreMechanism() {
        Switching.force(null);
    }

    @Test
    void pageQuotesTheExampleAndItsOutput() throws Exception {
        DocPages.assertPageQuotes("sync.md", SyncTour.class);
        List<String> printed = DocPages.runMain(SyncTour::main);
        assertThat(DocPages.page("sync.md")).contains("```\n" + String.join("\n", printed) + "\n```");
    }

    @Test
    void sameOutputOnEveryMechanism() throws Exception {
        List<String> first = null;
        org.jstackless.internal.soft.runtime.SoftRuntime.install(); // the concepts plug it in on first use; this may run before any did
        for (Mechanism m : Switching.available()) {
            Switching.force(m);
            List<String> out = new ArrayList<>();
            Stackless.runAsMain(() -> SyncTour.tour(out::add));
            if (first == null) {
                first = out;
                assertThat(out).contains("done, free slots 2");
            }
            assertThat(out).as("on %s", m).containsExactlyElementsOf(first);
        }
    }
}
