package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/threads.md: its example runs and prints what the page shows; the page quotes it verbatim. */
class ManyCoresTest {
    @Test
    void sumsOverTwoCarriers() throws Exception {
        assertThat(ManyCores.run(1000)).containsExactly("computed off the scheduler", "quiescent true", "sum 499500");
    }

    @Test
    void thePageQuotesTheExample() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        String page = Files.readString(root.resolve("docs/threads.md"));
        String src = Files.readString(root.resolve(
                "jstackless-examples/src/main/java/org/jstackless/examples/docs/ManyCores.java"));
        assertThat(page).as("docs/threads.md must quote ManyCores.java verbatim; recopy it").contains(src);
    }
}
