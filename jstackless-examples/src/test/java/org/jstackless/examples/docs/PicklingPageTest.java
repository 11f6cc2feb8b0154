package org.jstackless.examples.docs;

import org.jstackless.examples.PickleDemo;
import org.junit.jupiter.api.Test;

/** docs/pickling.md quotes the demo verbatim (PickleDemoTest runs it across two JVMs). */
class PicklingPageTest {
    @Test
    void thePageQuotesTheDemo() throws Exception {
        DocPages.assertPageQuotes("pickling.md", PickleDemo.class);
    }
}
