package org.jstackless.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
    @TempDir
    Path dir;

    static Checkpoint row(String id, long seq, String data) {
        return new Checkpoint(id, seq, DurableState.RUNNABLE, 0, "", "", data.getBytes(StandardCharsets.UTF_8), 0);
    }

    static String data(FileStore s, String id) {
        Checkpoint c = s.row(id);
        return c == null ? null : new String(c.pickle(), StandardCharsets.UTF_8) + "#" + c.seq();
    }

    @Test
    void commitsSurviveReopening() throws IOException {
        try (FileStore s = FileStore.open(dir)) {
            s.commit(List.of(row("a", 1, "a1"), row("b", 1, "b1")));
            s.commit(List.of(row("a", 2, "a2")));
            s.commit(List.of(new Checkpoint("b", 2, DurableState.PURGED, 0, "", "", new byte[0], 0)));
        }
        try (FileStore s = FileStore.open(dir)) {
            assertThat(data(s, "a")).isEqualTo("a2#2");
            assertThat(s.row("b")).isNull();
            assertThat(s.recoveryReport()).isEmpty();
        }
    }

    @Test
    void aStaleWriterIsRefusedAndNothingOfItsCommitIsWritten() throws IOException {
        try (FileStore s = FileStore.open(dir)) {
            s.commit(List.of(row("a", 1, "a1"), row("b", 1, "b1")));
            s.commit(List.of(row("a", 2, "a2 by the owner")));
            // A writer that last saw a at #1 tries to write its #2, together with b's next row.
            assertThatThrownBy(() -> s.commit(List.of(row("b", 2, "b2"), row("a", 2, "a2 by a stale writer"))))
                    .isInstanceOf(StaleCheckpointException.class)
                    .hasMessageContaining("durable tasklet a").hasMessageContaining("#2").hasMessageContaining("nothing");
            assertThatThrownBy(() -> s.commit(List.of(row("c", 2, "c2 without c1"))))
                    .isInstanceOf(StaleCheckpointException.class);
            assertThat(data(s, "a")).isEqualTo("a2 by the owner#2");
            assertThat(data(s, "b")).isEqualTo("b1#1");
        }
        try (FileStore s = FileStore.open(dir)) {
            assertThat(data(s, "a")).isEqualTo("a2 by the owner#2");
            assertThat(data(s, "b")).isEqualTo("b1#1");
            s.commit(List.of(row("b", 2, "b2")));
        }
    }

    @Test
    void aTornLastRecordIsCutOffAndThePreviousCheckpointUsed() throws IOException {
        Path seg;
        try (FileStore s = FileStore.open(dir)) {
            s.commit(List.of(row("a", 1, "a1")));
            s.commit(List.of(row("a", 2, "a2"), row("b", 1, "b1")));
            seg = s.segmentFile();
        }
        long size = Files.size(seg);
        for (int cut = 1; cut < 30; cut += 7) { // every cut lands inside the last record
            try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
                f.setLength(size - cut);
            }
            try (FileStore s = FileStore.open(dir)) {
                assertThat(data(s, "a")).isEqualTo("a1#1");
                assertThat(s.row("b")).as("the torn commit is all or nothing").isNull();
                assertThat(s.recoveryReport()).singleElement().asString().contains("torn").contains("cut off");
                s.commit(List.of(row("a", 2, "a2"), row("b", 1, "b1"))); // appends after the good prefix
            }
            assertThat(Files.size(seg)).isEqualTo(size);
        }
    }

    @Test
    void aCorruptRecordIsDetectedByItsChecksum() throws IOException {
        Path seg;
        long mid;
        try (FileStore s = FileStore.open(dir)) {
            s.commit(List.of(row("a", 1, "a1")));
            mid = Files.size(s.segmentFile());
            s.commit(List.of(row("a", 2, "a2")));
            s.commit(List.of(row("a", 3, "a3")));
            seg = s.segmentFile();
        }
        flip(seg, Files.size(seg) - 3); // inside the last record's pickle
        try (FileStore s = FileStore.open(dir)) {
            assertThat(data(s, "a")).isEqualTo("a2#2");
            assertThat(s.recoveryReport()).singleElement().asString().contains("checksum");
        }
        flip(seg, mid + 12); // the record of a2, with nothing valid after it: the prefix is the state
        try (FileStore s = FileStore.open(dir)) {
            assertThat(data(s, "a")).isEqualTo("a1#1");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.contains(".dropped-"));
        }
    }

    private static void flip(Path p, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
    }

    @Test
    void compactionDropsOldCheckpointsAndKeepsTheLatest() throws IOException {
        try (FileStore s = FileStore.builder(dir).compactAt(4096).open()) {
            Path first = s.segmentFile();
            for (int i = 1; i <= 200; i++) {
                s.commit(List.of(row("a", i, "a" + i + "x".repeat(100)), row("n" + i, 1, "n")));
            }
            assertThat(s.segmentFile()).isNotEqualTo(first);
            assertThat(first).doesNotExist();
            assertThat(Files.size(s.segmentFile())).isLessThan(3 * 4096 + 200 * 80);
        }
        try (FileStore s = FileStore.open(dir)) {
            assertThat(data(s, "a")).isEqualTo("a200" + "x".repeat(100) + "#200");
            assertThat(s.rows()).hasSize(201);
        }
    }

    @Test
    void aSecondOpenIsRefusedWhileTheStoreIsOpen() throws IOException {
        try (FileStore s = FileStore.open(dir)) {
            assertThatThrownBy(() -> FileStore.open(dir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
        }
        FileStore.open(dir).close();
    }

    @Test
    void aFileThatIsNotAStoreIsRefusedClearly() throws IOException {
        Files.writeString(dir.resolve("log-1.jsl"), "hello");
        assertThatThrownBy(() -> FileStore.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("no header");
        Files.writeString(dir.resolve("log-1.jsl"), "hello, this is not a jstackless store at all");
        assertThatThrownBy(() -> FileStore.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("bad magic");
    }
}
