package org.jstackless.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * Stackless's classic pickling demo (spec §8.6): {@code recurs(14)} recurses fourteen levels in a
 * soft tasklet, printing {@code enter level} lines, and sends on a channel at the bottom; main
 * receives, pickles the suspended tasklet to a file, and a new JVM loads it, inserts it and runs
 * it: it prints only the {@code leave level} half, from 14 back to 1.
 *
 * <pre>
 *   java ... org.jstackless.examples.PickleDemo              both runs: this JVM saves, a child JVM loads
 *   java ... org.jstackless.examples.PickleDemo --save FILE  run 1 only
 *   java ... org.jstackless.examples.PickleDemo --load FILE  run 2 only
 * </pre>
 */
public final class PickleDemo {
    /** The demo's signing key. A real program keeps its key out of its source. */
    static final byte[] KEY = "jstackless pickle demo key, not a secret".getBytes(StandardCharsets.UTF_8);
    static final int DEPTH = 14;

    private PickleDemo() {
    }

    /**
     * The pickler. No class needs allowing: the pickle holds a channel and ints (always allowed)
     * and this class's code, which is identified by method and fingerprint under the signature;
     * restrictCode makes sure no other code is in it.
     */
    static Pickler pickler() {
        return Pickler.builder().signingKey(KEY).restrictCode(PickleDemo.class.getName()).build();
    }

    static void recurs(Channel<String> ch, int depth, int level) throws Suspendable {
        System.out.println("enter level " + " ".repeat(level) + level);
        if (level >= depth) {
            ch.send("hi");
        }
        if (level < depth) {
            recurs(ch, depth, level + 1);
        }
        System.out.println("leave level " + " ".repeat(level) + level);
    }

    /** Run 1: recurs(14) in a tasklet; main receives its message and pickles it to {@code file}. */
    public static void save(Path file) throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> recurs(ch, DEPTH, 1));
            String got = ch.receive();
            byte[] pickle = pickler().dumps(t);
            Files.write(file, pickle);
            System.out.println("main received '" + got + "'; pickled the tasklet (" + t.recursionDepth() + " frames) to "
                    + file.getFileName() + ": " + pickle.length + " bytes");
            t.kill(); // this JVM's copy ends here: no leave lines from run 1
        });
    }

    /** Run 2: loads the tasklet from {@code file}, inserts it and runs it. */
    public static void load(Path file) throws Exception {
        byte[] pickle = Files.readAllBytes(file);
        Stackless.runAsMain(() -> {
            Tasklet t = pickler().loads(pickle);
            System.out.println("loaded " + t + ": alive " + t.isAlive() + ", paused " + t.isPaused() + ", "
                    + t.recursionDepth() + " frames");
            t.insert();
            Stackless.run();
        });
    }

    /** Both runs: this JVM saves, a child JVM (same java, same class path) loads; its output is printed here. */
    public static int both(Path file, PrintStream out) throws Exception {
        out.println("run 1, this JVM (pid " + ProcessHandle.current().pid() + "):");
        save(file);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), PickleDemo.class.getName(), "--load", file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        out.println("run 2, a new JVM (pid " + p.pid() + "):");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                out.println(line);
            }
        }
        return p.waitFor();
    }

    /** No argument: both runs; {@code --save FILE} or {@code --load FILE}: one of them. */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--save")) {
            save(Path.of(args[1]));
        } else if (args.length == 2 && args[0].equals("--load")) {
            load(Path.of(args[1]));
        } else if (args.length == 0) {
            Path file = Files.createTempFile("tasklet", ".pickle");
            try {
                int rc = both(file, System.out);
                if (rc != 0) {
                    throw new IOException("the child JVM exited with " + rc);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } else {
            System.err.println("usage: PickleDemo [--save FILE | --load FILE]");
            System.exit(2);
        }
    }
}
