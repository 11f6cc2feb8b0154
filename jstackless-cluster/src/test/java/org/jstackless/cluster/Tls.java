package org.jstackless.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed TLS material for the cluster tests, made with the JDK's keytool: a PKCS12 key store
 * holding the nodes' key pair and certificate, and a trust store holding only that certificate.
 */
record Tls(Path keyStore, Path trustStore, String password) {
    static Tls generate(Path dir) throws Exception {
        String pw = "jsl-" + Long.toHexString(System.nanoTime());
        Path ks = dir.resolve("node.p12");
        Path cert = dir.resolve("node.crt");
        Path ts = dir.resolve("trust.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=jstackless-node",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", pw, "-keypass", pw);
        run(keytool, "-exportcert", "-alias", "node", "-keystore", ks.toString(), "-storepass", pw, "-file", cert.toString());
        run(keytool, "-importcert", "-noprompt", "-alias", "node", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", ts.toString(), "-storepass", pw);
        return new Tls(ks, ts, pw);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }
}
