package org.jstackless.durable.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server, for tests and the bank example: {@code initdb} into a fresh
 * temporary directory, then {@code pg_ctl start} on a free loopback port; {@link #close} stops it
 * and deletes the directory. Run as root, it runs the server as the {@code postgres} user
 * (PostgreSQL refuses root).
 */
public final class PrivatePostgres implements AutoCloseable {
    private final Path dir;
    private final Path bin;
    private final boolean asPostgres;
    private final int port;

    private PrivatePostgres(Path dir, Path bin, boolean asPostgres, int port) {
        this.dir = dir;
        this.bin = bin;
        this.asPostgres = asPostgres;
        this.port = port;
    }

    /** The newest /usr/lib/postgresql/N/bin holding initdb and pg_ctl, or null. */
    public static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> version(b.getParent().getFileName().toString()))).orElse(null);
        }
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Starts a server; an {@link IllegalStateException} saying what to install when PostgreSQL is absent. */
    public static PrivatePostgres start() throws Exception {
        Path bin = binaries();
        if (bin == null) {
            throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
                    + "apt-get install postgresql");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "jsl-pg-");
        if (root) {
            UserPrincipal pg;
            try {
                pg = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            } catch (IOException e) {
                throw new IllegalStateException("running as root, the PostgreSQL tests need the 'postgres' user (PostgreSQL "
                        + "refuses to run as root); the postgresql package creates it", e);
            }
            Files.setOwner(dir, pg);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PrivatePostgres srv = new PrivatePostgres(dir, bin, root, port);
        srv.run(60, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "jsl",
                "-E", "UTF8", "--no-sync");
        srv.run(90, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "80", "-l",
                dir.resolve("log").toString(), "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start");
        return srv;
    }

    /** The JDBC URL of the server's {@code postgres} database. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=jsl";
    }

    private void run(int seconds, String... cmd) throws Exception {
        List<String> c = new ArrayList<>();
        if (asPostgres) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(List.of(cmd));
        Path out = Files.createTempFile("jsl-pg-cmd", ".log");
        try {
            Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", c) + " did not end in " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
                throw new IllegalStateException(String.join(" ", c) + " failed (" + p.exitValue() + "): "
                        + Files.readString(out) + log);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            run(60, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop");
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
