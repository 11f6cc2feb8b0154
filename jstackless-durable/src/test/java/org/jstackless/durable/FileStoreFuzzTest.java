package org.jstackless.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a store's segment at random (a flipped byte, a cut, garbage appended) many times: every
 * reopen either refuses with an IOException or yields exactly the state after some commit (a
 * prefix of the history, never a mix), and the store then takes commits again.
 */
class FileStoreFuzzTest {
    @TempDir
    Path dir;

    @Test
    void damageYieldsAPrefixOfTheHistoryOrAClearRefusal() throws IOException {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random rnd = new Random(seed);
        Path orig = dir.resolve("orig");
        List<Map<String, String>> history = new ArrayList<>();
        Map<String, Long> seqs = new HashMap<>();
        history.add(Map.of());
        Path seg;
        try (FileStore s = FileStore.open(orig)) {
            Map<String, String> state = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                List<Checkpoint> rows = new ArrayList<>();
                for (int j = 0, n = 1 + rnd.nextInt(3); j < n; j++) {
                    String id = "t" + (i + j) % 7;
                    if (rows.stream().anyMatch(r -> r.id().equals(id))) {
                        continue;
                    }
                    long seq = seqs.merge(id, 1L, Long::sum);
                    String data = id + "@" + i + "x".repeat(rnd.nextInt(60));
                    rows.add(FileStoreTest.row(id, seq, data));
                    state.put(id, data + "#" + seq);
                }
                s.commit(rows);
                history.add(Map.copyOf(state));
            }
            seg = s.segmentFile();
        }
        byte[] good = Files.readAllBytes(seg);
        int refused = 0;
        int prefixes = 0;
        for (int round = 0; round < 150; round++) {
            Path d = dir.resolve("r" + round);
            Files.createDirectories(d);
            byte[] bad = good.clone();
            switch (rnd.nextInt(3)) {
                case 0 -> bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
                case 1 -> bad = java.util.Arrays.copyOf(bad, rnd.nextInt(bad.length));
                default -> {
                    bad = java.util.Arrays.copyOf(bad, bad.length + 1 + rnd.nextInt(100));
                    for (int i = good.length; i < bad.length; i++) {
                        bad[i] = (byte) rnd.nextInt(256);
                    }
                }
            }
            Files.write(d.resolve(seg.getFileName()), bad);
            FileStore s;
            try {
                s = FileStore.open(d);
            } catch (IOException e) {
                assertThat(e.getMessage()).as("seed %d", seed).contains("no readable segment");
                refused++;
                continue;
            }
            try (s) {
                Map<String, String> got = new HashMap<>();
                for (Checkpoint c : s.rows()) {
                    got.put(c.id(), new String(c.pickle(), java.nio.charset.StandardCharsets.UTF_8) + "#" + c.seq());
                }
                assertThat(history).as("seed %d, round %d: a state that some commit left", seed, round).contains(got);
                prefixes++;
                String id = "t0";
                Checkpoint cur = s.row(id);
                s.commit(List.of(FileStoreTest.row(id, cur == null ? 1 : cur.seq() + 1, "after")));
            }
            try (FileStore again = FileStore.open(d)) {
                assertThat(new String(again.row("t0").pickle(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("after");
            }
            try (Stream<Path> files = Files.walk(d)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertThat(prefixes).as("seed %d", seed).isGreaterThan(50);
        System.out.println("FileStoreFuzzTest seed " + seed + ": " + prefixes + " prefixes, " + refused + " refusals");
    }
}
