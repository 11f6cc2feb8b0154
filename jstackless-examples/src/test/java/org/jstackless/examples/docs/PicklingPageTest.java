package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/pickling.md quotes the demo verbatim (PickleDemoTest runs it across two JVMs). */
class PicklingPageTest {
    @Test
    void thePageQuotesTheDemo() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        String page = Files.readString(root.resolve("docs/pickling.md"));
        String src = Files.readString(root.resolve(
                "jstackless-examples/src/main/java/org/jstackless/examples/PickleDemo.java"));
        assertThat(page).as("docs/pickling.md must quote PickleDemo.java verbatim; recopy it").contains(src);
    }
}
