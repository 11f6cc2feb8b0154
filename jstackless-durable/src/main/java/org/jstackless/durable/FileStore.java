package org.jstackless.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jstackless.durable.internal.LogCodec;

/**
 * The default {@link DurableStore}: a directory on local disk, no server. Opened with one call,
 * {@link #open(Path)}.
 *
 * <p>Layout: one append-only segment file {@code log-N.jsl} whose first record is a snapshot of
 * every row and whose next records are commits; each record carries a CRC32C of its body. A commit
 * is one record written with one {@code write} and made durable with one {@code fsync} — the
 * runtime hands each store commit every checkpoint of a scheduling round, so one fsync covers them
 * all (group commit). When the segment has grown past {@link Builder#compactAt} bytes and is more
 * than twice the live rows, a new segment is written beside it ({@code .tmp}, fsync, atomic rename,
 * fsync of the directory) holding one snapshot, and the old one is deleted: old checkpoints go.
 *
 * <p>Reopening after a crash replays the newest segment up to its last complete record whose
 * checksum matches. A torn or corrupt record and everything after it are cut off (the state is then
 * that of the last good commit — a consistent one, since commits are atomic), the cut bytes are kept
 * beside the segment as {@code log-N.jsl.dropped-OFFSET} for inspection, and {@link #recoveryReport()}
 * says so. A {@code lock} file held with an OS lock keeps a second process (or a second open in this
 * JVM) out.
 *
 * <p>Invariants (guarded by {@code this}): {@code index} holds exactly the rows the segment's valid
 * records produce; {@code end} is the segment's size and the offset of the next record;
 * {@code txn} is the last record's transaction number.
 */
public final class FileStore implements DurableStore {
    private static final Pattern SEGMENT = Pattern.compile("log-(\\d{1,18})\\.jsl");
    /** Estimated bytes a row costs besides its pickle, for the compaction ratio. */
    private static final int ROW_OVERHEAD = 64;

    private final Path dir;
    private final boolean fsync;
    private final long compactAt;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<String, Checkpoint> index = new HashMap<>();
    private final List<String> report = new ArrayList<>();
    private FileChannel log;
    /** The direct buffer commits are encoded into, reused (grown up to LogCodec.MAX_DIRECT). */
    private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(64 << 10);
    private long segment;
    private long end;
    private long txn;
    private long liveBytes;
    private long fsyncs;
    private long commits;
    /** Segment size past which the next commit compacts (compactAt, or more after a failed compaction). */
    private long nextCompaction;
    private long rowsWritten;
    private boolean broken;
    private boolean closed;

    /** Configures a {@link FileStore}. */
    public static final class Builder {
        private final Path dir;
        private boolean fsync = true;
        private long compactAt = 64L << 20;

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /** Whether commits are fsynced (default true; false survives a JVM crash but not a power loss). */
        public Builder fsync(boolean on) {
            fsync = on;
            return this;
        }

        /** Segment size past which old checkpoints are compacted away (default 64 MiB). */
        public Builder compactAt(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("compactAt must be positive: " + bytes);
            }
            compactAt = bytes;
            return this;
        }

        /** Opens (creating it if needed) and recovers the store. */
        public FileStore open() throws IOException {
            return new FileStore(this);
        }
    }

    /** A builder for the store in {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Opens the store in {@code dir} (created if missing) with the defaults. */
    public static FileStore open(Path dir) throws IOException {
        return builder(dir).open();
    }

    private FileStore(Builder b) throws IOException {
        this.dir = b.dir.toAbsolutePath();
        this.fsync = b.fsync;
        this.compactAt = b.compactAt;
        this.nextCompaction = b.compactAt;
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lockChannel.close();
            throw new IllegalStateException("the durable store " + dir + " is already open in this JVM: close it first "
                    + "or share the one DurableRuntime");
        }
        if (l == null) {
            lockChannel.close();
            throw new IllegalStateException("the durable store " + dir + " is open in another process (its lock file is "
                    + "held): stop that process first");
        }
        lock = l;
        try {
            recover();
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            if (log != null) {
                log.close();
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- recovery

    private void recover() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".jsl.tmp")).toList()) {
                Files.delete(p); // a compaction that did not finish: its segment was never renamed into place
            }
        }
        List<Long> segs = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    segs.add(Long.parseLong(m.group(1)));
                }
            });
        }
        segs.sort(Comparator.reverseOrder());
        if (segs.isEmpty()) {
            writeSegment(1);
            segs.add(1L);
        }
        IOException last = null;
        for (long n : segs) {
            try {
                load(n);
                last = null;
                break;
            } catch (IOException e) {
                report.add("segment " + name(n) + " unusable: " + e.getMessage());
                index.clear();
                liveBytes = 0;
                if (log != null) {
                    log.close();
                    log = null;
                }
                last = e;
            }
        }
        if (last != null) {
            throw new IOException("the durable store " + dir + " has no readable segment: " + String.join("; ", report), last);
        }
        for (long n : segs) {
            if (n < segment) {
                Files.deleteIfExists(dir.resolve(name(n))); // superseded by a complete newer snapshot
            }
        }
    }

    private static String name(long n) {
        return "log-" + n + ".jsl";
    }

    private void load(long n) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(name(n)), StandardOpenOption.READ, StandardOpenOption.WRITE);
        log = ch;
        long size = ch.size();
        if (size < LogCodec.HEADER) {
            throw new IOException("only " + size + " bytes: not a jstackless durable store segment (no header)");
        }
        ByteBuffer h = ByteBuffer.allocate(LogCodec.HEADER);
        readFully(ch, h, 0);
        long num = LogCodec.checkHeader(h.flip());
        if (num != n) {
            throw new IOException("its header says segment " + num);
        }
        long pos = LogCodec.HEADER;
        boolean first = true;
        String problem = null;
        ByteBuffer rh = ByteBuffer.allocate(LogCodec.RECORD_HEADER);
        while (pos < size) {
            if (size - pos < LogCodec.RECORD_HEADER) {
                problem = "torn record header";
                break;
            }
            rh.clear();
            readFully(ch, rh, pos);
            int len = rh.getInt(0);
            int crc = rh.getInt(4);
            if (len < 1 || len > size - pos - LogCodec.RECORD_HEADER) {
                problem = "torn or corrupt record (length " + len + ", " + (size - pos - LogCodec.RECORD_HEADER)
                        + " bytes left)";
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(len);
            readFully(ch, body, pos + LogCodec.RECORD_HEADER);
            body.flip();
            if (!LogCodec.checksumOk(body, crc)) {
                problem = "corrupt record (checksum mismatch)";
                break;
            }
            LogCodec.Record r;
            try {
                r = LogCodec.decode(body);
            } catch (IOException e) {
                problem = "corrupt record (" + e.getMessage() + ")";
                break;
            }
            if (first != (r.kind() == LogCodec.SNAPSHOT)) {
                problem = first ? "the first record is not a snapshot" : "a snapshot record after the first";
                break;
            }
            apply(r.kind() == LogCodec.SNAPSHOT, r.rows());
            txn = r.txn();
            first = false;
            pos += LogCodec.RECORD_HEADER + len;
        }
        if (first) {
            throw new IOException("no valid snapshot at its start" + (problem == null ? "" : ": " + problem));
        }
        if (pos < size) {
            Path dropped = dir.resolve(name(n) + ".dropped-" + pos);
            try (FileChannel out = FileChannel.open(dropped, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.transferTo(pos, size - pos, out);
                out.force(true);
            }
            ch.truncate(pos);
            ch.force(true);
            report.add(name(n) + ": " + problem + " at offset " + pos + "; cut off " + (size - pos)
                    + " bytes (kept in " + dropped.getFileName() + "); the state is that of commit " + txn);
        }
        segment = n;
        end = pos;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private void apply(boolean snapshot, List<Checkpoint> rows) {
        if (snapshot) {
            index.clear();
            liveBytes = 0;
        }
        for (Checkpoint c : rows) {
            Checkpoint old = c.state() == DurableState.PURGED ? index.remove(c.id()) : index.put(c.id(), c);
            if (old != null) {
                liveBytes -= old.pickle().length + ROW_OVERHEAD;
            }
            if (c.state() != DurableState.PURGED) {
                liveBytes += c.pickle().length + ROW_OVERHEAD;
            }
        }
    }

    /** Writes segment {@code n} holding a snapshot of the index, durably, then makes it the log. */
    private void writeSegment(long n) throws IOException {
        Path tmp = dir.resolve(name(n) + ".tmp");
        Path fin = dir.resolve(name(n));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, LogCodec.header(n));
            writeFully(ch, LogCodec.encode(LogCodec.SNAPSHOT, txn, new ArrayList<>(index.values())));
            ch.force(true);
        }
        Files.move(tmp, fin, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself must survive a crash
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    // ---------------------------------------------------------------- use

    /** What recovery found (cut-off records, unusable segments) and failed compactions; empty when all was clean. */
    public synchronized List<String> recoveryReport() {
        return List.copyOf(report);
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /** The current segment file. */
    public synchronized Path segmentFile() {
        return dir.resolve(name(segment));
    }

    /** Commits made, fsyncs done and rows written since opened (group commit: one fsync per commit). */
    public synchronized long[] counters() {
        return new long[] {commits, fsyncs, rowsWritten};
    }

    @Override
    public synchronized Collection<Checkpoint> rows() {
        return List.copyOf(index.values());
    }

    @Override
    public synchronized Checkpoint row(String id) {
        return index.get(id);
    }

    @Override
    public synchronized long commit(List<Checkpoint> rows) throws IOException {
        if (closed) {
            throw new IllegalStateException("the durable store " + dir + " is closed");
        }
        if (broken) {
            throw new IOException("the durable store " + dir + " failed a write earlier; reopen it to recover");
        }
        if (rows.isEmpty()) {
            return txn;
        }
        Map<String, Checkpoint> seen = new HashMap<>();
        for (Checkpoint c : rows) {
            if (seen.put(c.id(), c) != null) {
                throw new IllegalArgumentException("two rows for " + c.id() + " in one commit");
            }
            Checkpoint cur = index.get(c.id());
            long have = cur == null ? 0 : cur.seq();
            if (c.seq() != have + 1) {
                throw new StaleCheckpointException("stale write to durable tasklet " + c.id() + ": it writes checkpoint #"
                        + c.seq() + " but the store holds #" + have + " (another writer advanced it); nothing of this "
                        + "commit was written");
            }
        }
        long t = txn + 1;
        ByteBuffer b = LogCodec.encode(LogCodec.COMMIT, t, rows, writeBuffer);
        if (b.isDirect()) {
            writeBuffer = b; // kept for the next commits (at most LogCodec.MAX_DIRECT bytes)
        }
        try {
            long pos = end;
            while (b.hasRemaining()) {
                pos += log.write(b, pos);
            }
            if (fsync) {
                log.force(false);
                fsyncs++;
            }
        } catch (IOException e) {
            broken = true; // the segment's tail is unknown now; recovery on reopen cuts a partial record
            throw e;
        }
        end += b.limit();
        txn = t;
        commits++;
        rowsWritten += rows.size();
        List<Checkpoint> done = new ArrayList<>(rows.size());
        for (Checkpoint c : rows) {
            done.add(c.withTxn(t));
        }
        apply(false, done);
        if (end > nextCompaction && end > 2 * (liveBytes + LogCodec.HEADER)) {
            try {
                compact();
                nextCompaction = compactAt;
            } catch (IOException e) {
                // The commit is durable all the same; try again when the segment has doubled.
                report.add("compaction of " + name(segment) + " failed (" + e.getMessage() + "); the segment keeps growing");
                nextCompaction = 2 * end;
            }
        }
        return t;
    }

    /** Writes the live rows into a new segment and deletes the old one. */
    public synchronized void compact() throws IOException {
        long n = segment + 1;
        try {
            writeSegment(n);
        } catch (IOException e) {
            Files.deleteIfExists(dir.resolve(name(n) + ".tmp"));
            throw e; // the old segment is intact and still the log
        }
        FileChannel old = log;
        long oldSeg = segment;
        log = FileChannel.open(dir.resolve(name(n)), StandardOpenOption.READ, StandardOpenOption.WRITE);
        segment = n;
        end = log.size();
        old.close();
        Files.deleteIfExists(dir.resolve(name(oldSeg)));
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            log.close();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }

    @Override
    public String toString() {
        return "FileStore[" + dir + "]";
    }
}
