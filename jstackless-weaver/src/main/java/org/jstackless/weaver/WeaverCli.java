package org.jstackless.weaver;

import java.io.IOException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Command line: {@code WeaverCli DIR_OR_JAR [--out OUT] [--cp PATHS]}. A directory is woven in
 * place, or copied to {@code OUT} first; a jar is written to {@code OUT}, or replaced. {@code PATHS}
 * is a platform path list of jars and directories used to resolve types. Exit status 0 on success,
 * 1 on a weaving error (printed), 2 on bad usage.
 */
public final class WeaverCli {
    private WeaverCli() {
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit status (for tests). */
    public static int run(String[] args) throws IOException {
        Path target = null;
        Path out = null;
        List<Path> cp = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> {
                    if (++i >= args.length) {
                        return usage();
                    }
                    out = Path.of(args[i]);
                }
                case "--cp" -> {
                    if (++i >= args.length) {
                        return usage();
                    }
                    for (String s : args[i].split(File.pathSeparator)) {
                        if (!s.isEmpty()) {
                            cp.add(Path.of(s));
                        }
                    }
                }
                default -> {
                    if (target != null) {
                        return usage();
                    }
                    target = Path.of(args[i]);
                }
            }
        }
        if (target == null || !Files.exists(target)) {
            return usage();
        }
        Weaver w = new Weaver(WeaverOptions.defaults().classPath(cp));
        try {
            WeaveReport r;
            if (Files.isDirectory(target)) {
                Path dir = target;
                if (out != null) {
                    copyTree(target, out);
                    dir = out;
                }
                r = w.weaveDirectory(dir);
            } else {
                Path dest = out != null ? out : Files.createTempFile(target.getParent(), "woven", ".jar");
                r = w.weaveJar(target, dest);
                if (out == null) {
                    Files.move(dest, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (String m : r.messages()) {
                System.out.println(m);
            }
            System.out.println("jstackless-weaver: " + r);
            return 0;
        } catch (WeaveException e) {
            System.err.println("jstackless-weaver: " + e.getMessage());
            return 1;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path d = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static int usage() {
        System.err.println("usage: WeaverCli DIR_OR_JAR [--out OUT] [--cp PATHS]");
        return 2;
    }
}
