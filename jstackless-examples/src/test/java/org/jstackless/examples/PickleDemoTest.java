package org.jstackless.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's pickling demo across two JVMs, and the inspector on its pickle. */
class PickleDemoTest {
    @Test
    void aNewJvmPrintsTheLeaveHalf(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int rc;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            rc = PickleDemo.both(dir.resolve("t.pickle"), ps);
        } finally {
            System.setOut(old);
        }
        assertThat(rc).isZero();
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        int run2 = lines.indexOf(lines.stream().filter(l -> l.startsWith("run 2, a new JVM")).findFirst().orElseThrow());
        List<String> enter = new ArrayList<>();
        List<String> leave = new ArrayList<>();
        for (int i = 1; i <= 14; i++) {
            enter.add("enter level " + " ".repeat(i) + i);
            leave.add(0, "leave level " + " ".repeat(i) + i);
        }
        List<String> first = lines.subList(0, run2);
        List<String> second = lines.subList(run2, lines.size());
        assertThat(first).containsSubsequence(enter).noneMatch(l -> l.startsWith("leave"));
        assertThat(second.stream().filter(l -> l.startsWith("leave") || l.startsWith("enter")).toList())
                .containsExactlyElementsOf(leave);
        assertThat(second).anyMatch(l -> l.startsWith("loaded Tasklet") && l.contains("paused true, 15 frames"));
    }

    @Test
    void inspectorShowsEnvelopeAndFrames(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.pickle");
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            PickleDemo.save(f);
            buf.reset();
            Inspect.main(new String[] {f.toString(), "--demo-key"});
        } finally {
            System.setOut(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        assertThat(s).contains("format version  3", "signature       valid", "frames          15 (innermost first)",
                "at org.jstackless.examples.PickleDemo.recurs(PickleDemo.java:", "Channel  Channel #1", "int    14");
        byte[] b = Files.readAllBytes(f);
        b[b.length - 40] ^= 1; // a payload byte (the last 32 are the signature)
        Files.write(f, b);
        buf.reset();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            Inspect.main(new String[] {f.toString(), "--demo-key"});
        } finally {
            System.setOut(old);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("signature       INVALID");
    }
}
