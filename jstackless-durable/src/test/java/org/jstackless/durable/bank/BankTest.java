package org.jstackless.durable.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bank example with its nemesis: the node JVM is SIGKILLed and restarted; no money appears or vanishes. */
class BankTest {
    @Test
    void theBankBalancesAcrossKills() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            rc = Bank.drive(Bank.Options.parse(new String[] {"--nodes", "1", "--accounts", "6", "--transfers", "80",
                "--kill-every", "0.8", "--seed", "11", "--max-kills", "4"}), out);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(rc).as("%s", lines).isZero();
        assertThat(lines).anyMatch(l -> l.startsWith("nemesis: SIGKILLed node 1"));
        assertThat(lines.get(lines.size() - 1))
                .matches("bank: \\d+ transfers committed, total before 6000, total after 6000, lost 0, duplicated 0");
    }

    @Test
    void badOptionsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> Bank.Options.parse(new String[] {"--nodes", "3"}))
                .hasMessageContaining("cluster layer");
        assertThatThrownBy(() -> Bank.Options.parse(new String[] {"--store", "h2"})).hasMessageContaining("--store file");
        assertThatThrownBy(() -> Bank.Options.parse(new String[] {"--accounts"})).hasMessageContaining("usage");
    }
}
