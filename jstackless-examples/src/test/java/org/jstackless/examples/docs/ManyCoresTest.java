package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** docs/threads.md: its example runs and prints what the page shows; the page quotes it verbatim. */
class ManyCoresTest {
    @Test
    void sumsOverTwoCarriers() throws Exception {
        assertThat(ManyCores.run(1000)).containsExactly("computed off the scheduler", "quiescent true", "sum 499500");
    }

    @Test
    void thePageQuotesTheExample() throws Exception {
        DocPages.assertPageQuotes("threads.md", ManyCores.class);
    }
}
