package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** docs/threads.md: the declared-partners example prints what the page says; the page quotes it verbatim. */
class EchoPartnersTest {
    @Test
    void echoesWhicheverThreadStartsFirst() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(EchoPartners.run()).containsExactly("a!", "b!", "c!");
        }
    }

    @Test
    void thePageQuotesTheExampleAndItsOutput() throws Exception {
        DocPages.assertPageQuotes("threads.md", EchoPartners.class);
        assertThat(DocPages.page("threads.md")).contains("It prints `" + String.join("\n", DocPages.runMain(EchoPartners::main)) + "`");
    }
}
