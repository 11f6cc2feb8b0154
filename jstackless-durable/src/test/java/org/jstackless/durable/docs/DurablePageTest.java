package org.jstackless.durable.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/durable.md quotes {@link DurableTour} verbatim and shows exactly what it prints. */
class DurablePageTest {
    static final List<String> EXPECTED = List.of(
            "shipped [order 1 (payment-1), order 2 (payment-2)]",
            "order-1: SLEEPING until 2026-12-07T12:00:00Z",
            "order-2: SLEEPING until 2026-12-07T12:00:00Z",
            "shipper: FINISHED",
            "start order-1 again: false",
            "order-1: order 1 closed",
            "order-2: order 2 closed",
            "cards charged: 2");

    static final List<String> CLOSING = List.of(
            "closed: true, DurableChannelInfo[name=jobs, closing=true, balance=3]",
            "did [job 1, job 2, job 3]",
            "closed now: true",
            "refused: Send/receive operation on a closed channel: durable channel 'jobs' is closing and no receiver waits, "
                    + "so this send would block; open() the channel again to block on it",
            "after a restart: DurableChannelInfo[name=jobs, closing=true, balance=0]");

    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    @Test
    void theTourPrintsTheDocumentedLines() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            DurableTour.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void thePageQuotesTheTourAndItsOutput() throws Exception {
        String page = read(moduleDir().resolveSibling("docs").resolve("durable.md"));
        String source = read(moduleDir().resolve("src/test/java/org/jstackless/durable/docs/DurableTour.java"));
        assertThat(page).as("docs/durable.md must quote DurableTour.java verbatim").contains(source);
        assertThat(page).as("docs/durable.md must show the tour's output").contains(String.join("\n", EXPECTED));
    }

    @Test
    void theClosingTourPrintsTheDocumentedLinesAndThePageQuotesIt() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            ClosingTour.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactlyElementsOf(CLOSING);
        String page = read(moduleDir().resolveSibling("docs").resolve("durable.md"));
        String source = read(moduleDir().resolve("src/test/java/org/jstackless/durable/docs/ClosingTour.java"));
        assertThat(page).as("docs/durable.md must quote ClosingTour.java verbatim").contains(source);
        assertThat(page).as("docs/durable.md must show its output").contains(String.join("\n", CLOSING));
    }

    @Test
    void theCommandLinesOfThePageParse() throws Exception {
        String page = read(moduleDir().resolveSibling("docs").resolve("durable.md"));
        List<String> cmds = page.lines().filter(l -> l.startsWith("./jstackless durable ")).toList();
        assertThat(cmds).hasSizeGreaterThanOrEqualTo(10);
        for (String c : cmds) {
            List<String> words = List.of(c.substring("./jstackless durable ".length()).split("\\s+"));
            assertThat(org.jstackless.durable.tool.DurableTool.parses(words)).as("parses: %s", c).isTrue();
        }
    }
}
