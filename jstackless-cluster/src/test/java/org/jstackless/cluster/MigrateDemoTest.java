package org.jstackless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.cluster.demo.MigrateDemo;
import org.jstackless.durable.internal.PrivatePostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The cluster seed demo: recurs(14) enters its levels on n1, is migrated at the bottom, leaves them on n2. */
class MigrateDemoTest {
    @Test
    void recursEntersOnOneNodeAndLeavesOnTheOther() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed: apt-get install postgresql");
        assertThat(MigrateDemo.run(System.out)).containsExactlyElementsOf(expected());
    }

    /** What the demo prints (docs/cluster.md shows it). */
    static List<String> expected() {
        List<String> want = new ArrayList<>();
        for (int i = 1; i <= 14; i++) {
            want.add("n1: enter level " + i);
        }
        want.add("migrating recurs from n1 to n2");
        want.add("recurs now runs on n2");
        want.add("n2: received go");
        for (int i = 14; i >= 1; i--) {
            want.add("n2: leave level " + i);
        }
        want.add("recurs returned 1");
        return want;
    }
}
