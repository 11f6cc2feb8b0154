package org.jstackless.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jstackless.Channel;
import org.jstackless.Pickler;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Question (issue 4): what does pickling a suspended tasklet cost — {@code dumps} alone, and a
 * {@code dumps} + {@code loads} round trip — and how big is the pickle? Targets: a round trip of
 * Stackless's {@code recurs(14)} demo tasklet in at most 50 µs, its pickle at most 2 KB.
 *
 * <p>How: before the trial, a soft tasklet runs {@code recurs(ch, depth, 1)}, which recurses
 * {@code depth} levels and sends on a channel at the bottom (the pickling demo, without the
 * printing); the benchmark thread, as main tasklet, receives, so the tasklet stays suspended in
 * {@code send} with {@code depth} + 1 woven frames. Each operation pickles that same tasklet
 * ({@code dumps}), or pickles it and loads the bytes back into a new paused tasklet
 * ({@code roundTrip}; the loaded tasklet is dropped). The pickle's size is printed at the end of
 * the trial ({@code pickle of depth ...: N bytes}); the frame count of the last loaded tasklet is
 * checked after every iteration (for {@code dumps}: of the last pickle, loaded after the iteration).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
public class PickleBench {
    private static final byte[] KEY = "jstackless pickle bench key, not a secret".getBytes(StandardCharsets.UTF_8);
    static int sink;

    /** The demo's recursion: {@code depth} levels, then a send at the bottom. */
    static void recurs(Channel<String> ch, int depth, int level) throws Suspendable {
        sink += level;
        if (level >= depth) {
            ch.send("hi");
        }
        if (level < depth) {
            recurs(ch, depth, level + 1);
        }
        sink -= level;
    }

    /** Static, so that the lambda captures only {@code ch} and {@code depth}: its frame belongs to PickleBench. */
    static Tasklet spawnRecurs(Channel<String> ch, int depth) {
        return Tasklet.spawn(() -> recurs(ch, depth, 1));
    }

    /**
     * The size in bytes of the pickle of a {@code recurs(depth)} tasklet suspended at the bottom,
     * as the benchmark makes it (the report calls this: the size is a figure of the run, not a
     * constant).
     */
    public static int pickleSize(int depth) throws Exception {
        Suspended s = new Suspended();
        s.depth = depth;
        try {
            s.suspend();
            return s.bytes;
        } catch (Suspendable e) {
            throw new IllegalStateException("the main tasklet cannot be suspended", e);
        } finally {
            if (s.tasklet != null) {
                try {
                    s.tasklet.kill();
                } catch (Suspendable e) {
                    throw new IllegalStateException(e);
                }
            }
            Switching.force(null);
        }
    }

    /** A soft tasklet suspended {@code depth} levels deep, and a pickler allowed to pickle it. */
    @State(Scope.Thread)
    public static class Suspended {
        @Param({"14", "1000"})
        public int depth;
        Pickler pickler;
        Tasklet tasklet;
        int frames;
        int bytes;
        /** The tasklet the last round trip loaded. */
        Tasklet loaded;
        /** The last pickle {@code dumps} made (loaded after the iteration, for the check). */
        byte[] dumped;

        @Setup(Level.Trial)
        public void suspend() throws Exception, Suspendable {
            Switching.force(Mechanism.SOFT);
            pickler = Pickler.builder().allow(PickleBench.class).signingKey(KEY).build();
            Channel<String> ch = new Channel<>();
            tasklet = spawnRecurs(ch, depth);
            String got = ch.receive();
            frames = tasklet.recursionDepth();
            if (!"hi".equals(got) || frames < depth) {
                throw new IllegalStateException("recurs(" + depth + ") did not suspend at the bottom: got " + got
                        + ", " + frames + " frames");
            }
            bytes = pickler.dumps(tasklet).length;
        }

        @TearDown(Level.Iteration)
        public void check() {
            if (dumped != null) {
                loaded = pickler.loads(dumped);
                dumped = null;
            }
            if (loaded == null || loaded.recursionDepth() != frames) {
                throw new IllegalStateException("expected a loaded tasklet of " + frames + " frames, got " + loaded);
            }
            loaded = null;
        }

        @TearDown(Level.Trial)
        public void end() throws Suspendable {
            System.out.println();
            System.out.println("pickle of depth " + depth + " (" + frames + " frames): " + bytes + " bytes");
            tasklet.kill();
            Switching.force(null);
        }
    }

    @Benchmark
    public byte[] dumps(Suspended s) {
        byte[] b = s.pickler.dumps(s.tasklet);
        s.dumped = b;
        return b;
    }

    @Benchmark
    public Tasklet roundTrip(Suspended s) {
        Tasklet u = s.pickler.loads(s.pickler.dumps(s.tasklet));
        s.loaded = u;
        return u;
    }
}
