package org.jstackless.cluster.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jstackless.durable.internal.PrivatePostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The bank on a 3-node Pekko cluster (three JVMs on loopback) over a private PostgreSQL server,
 * with a nemesis that SIGKILLs a random node and restarts it: no money appears or vanishes.
 */
class ClusterBankTest {
    @Test
    void theBankBalancesOnThreeNodesAcrossNodeKills() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed: apt-get install postgresql");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            rc = ClusterBank.drive(ClusterBank.Options.parse(new String[] {"--nodes", "3", "--accounts", "6", "--transfers",
                "60", "--kill-every", "6", "--seed", "5", "--max-kills", "2", "--timeout", "240"}), out);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        System.out.println("ClusterBankTest:\n" + String.join("\n", lines));
        assertThat(rc).as("%s", lines).isZero();
        assertThat(lines).anyMatch(l -> l.startsWith("nemesis: SIGKILLed node"));
        assertThat(lines.get(lines.size() - 1))
                .matches("bank: \\d+ transfers committed, total before 6000, total after 6000, lost 0, duplicated 0");
    }

    @Test
    void badOptionsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> ClusterBank.Options.parse(new String[] {"--nodes", "3", "--store", "file"}))
                .hasMessageContaining("--store postgres");
        assertThatThrownBy(() -> ClusterBank.Options.parse(new String[] {"--nodes", "x"})).hasMessageContaining("usage");
        assertThatThrownBy(() -> ClusterBank.Options.parse(new String[] {"--accounts"})).hasMessageContaining("usage");
    }
}
