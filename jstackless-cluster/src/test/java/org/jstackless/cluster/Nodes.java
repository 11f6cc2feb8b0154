package org.jstackless.cluster;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.durable.internal.PrivatePostgres;
import org.junit.jupiter.api.Assumptions;

/** Test helper: a private PostgreSQL server and N cluster nodes on loopback in this JVM. */
final class Nodes implements AutoCloseable {
    static final byte[] KEY = "cluster test key, not a secret!!".getBytes(StandardCharsets.UTF_8);
    final PrivatePostgres pg;
    final List<ClusterNode> nodes = new ArrayList<>();
    final int[] ports;
    final String table;

    /** Per node: the code it may resume (null: any). */
    java.util.function.IntFunction<String[]> restrict;

    /** TLS stores for the nodes, or null for plain TCP. */
    final Tls tls;

    Nodes(int n, String table, Class<?>... allowed) throws Exception {
        this(n, table, null, allowed);
    }

    Nodes(int n, String table, Tls tls, Class<?>... allowed) throws Exception {
        this(n, table, tls, i -> allowed);
    }

    Nodes(int n, String table, Tls tls, java.util.function.IntFunction<Class<?>[]> allowedFor) throws Exception {
        this(n, table, tls, allowedFor, i -> null);
    }

    Nodes(int n, String table, Tls tls, java.util.function.IntFunction<Class<?>[]> allowedFor,
            java.util.function.IntFunction<String[]> restrict) throws Exception {
        this.restrict = restrict;
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed (no "
                + "/usr/lib/postgresql/*/bin/initdb): apt-get install postgresql to run the cluster tests");
        pg = PrivatePostgres.start();
        this.table = table;
        this.tls = tls;
        ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = freePort();
        }
        try {
            for (int i = 0; i < n; i++) {
                nodes.add(node(i, allowedFor.apply(i)));
            }
            awaitMembers(n);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    ClusterNode node(int i, Class<?>... allowed) throws Exception {
        return node(i, 0, allowed);
    }

    /** Node {@code i}, joining through node {@code seed}. */
    ClusterNode node(int i, int seed, Class<?>... allowed) throws Exception {
        ClusterNode.Builder b = ClusterNode.builder("n" + (i + 1)).port(ports[i]).seeds("127.0.0.1:" + ports[seed])
                .store(pg.url(), table).signingKey(KEY).allow(allowed);
        if (restrict != null && restrict.apply(i) != null) {
            b.restrictCode(restrict.apply(i));
        }
        if (tls != null) {
            b.tls(tls.keyStore(), tls.trustStore(), tls.password());
        }
        return b.start();
    }

    void awaitMembers(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (nodes.stream().anyMatch(x -> x.members().size() != n)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("cluster did not form: " + nodes.stream().map(ClusterNode::members).toList());
            }
            Thread.sleep(50);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (Exception ignored) {
                // closing the rest
            }
        }
        pg.close();
    }
}
