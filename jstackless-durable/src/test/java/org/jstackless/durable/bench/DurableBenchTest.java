package org.jstackless.durable.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.jstackless.durable.FileStore;
import org.jstackless.durable.PgStore;
import org.jstackless.durable.internal.PrivatePostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable benchmark's parts run and count what they say (tiny sizes: the figures are not
 * checked), and its section of docs/benchmarks.md is replaced in place, not added twice.
 */
class DurableBenchTest {
    @Test
    void theFileStorePartCountsEveryCheckpoint(@TempDir Path dir) throws Exception {
        DurableBench.Run r = DurableBench.jstackless("file", FileStore.open(dir), 10, 5, false, true);
        assertThat(r.rows()).as("a start, 5 checkpoints and a finish per tasklet").isEqualTo(10 * 7);
        assertThat(r.commits()).isBetween(7L, 70L);
        assertThat(r.p99()).isGreaterThanOrEqualTo(r.p50()).isPositive();
        assertThat(r.cpuMicrosPerRow()).isPositive();
    }

    @Test
    void jstacklessAndDbosStepsRunOnTheSameServer() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed: apt-get install postgresql");
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            DurableBench.Report rep = new DurableBench.Report(true, 0, 1, 10, 5);
            rep.seqSteps = 3;
            rep.workflows = 4;
            rep.wfSteps = 2;
            rep.pg = List.of(DurableBench.jstackless("PostgreSQL", PgStore.open(pg.url(), "bench_test"), 10, 5, false, true));
            assertThat(rep.pg.get(0).rows()).isEqualTo(10 * 7);
            DurableBench.steps(pg, rep, true);
            assertThat(rep.steps).containsOnlyKeys("jstackless 1", "DBOS 1", "jstackless N", "DBOS N");
            assertThat(rep.steps.get("jstackless 1").get(0).rows()).isEqualTo(3);
            assertThat(rep.steps.get("DBOS N").get(0).rows()).isEqualTo(4 * 2);
            assertThat(DurableBench.LATENCIES.count()).as("every DBOS step of the last run was timed").isEqualTo(8);
            rep.loadBefore = "0 0 0";
            rep.loadAfter = "0 0 0";
            assertThat(rep.render()).contains("PostgreSQL ≥ 5,000 checkpoints/s", "DBOS runStep, 4 workflows",
                    "jstackless Durable.step, 1 tasklet");
        }
    }

    @Test
    void theSectionOfTheBenchmarkPageIsReplacedInPlace() {
        String section = DurableBench.SECTION + "\n\nnew figures\n";
        String page = "# Benchmarks\n\n## A\n\na\n";
        String once = DurableBench.spliced(page, section);
        assertThat(once).isEqualTo("# Benchmarks\n\n## A\n\na\n\n" + section);
        assertThat(DurableBench.spliced(once, section)).isEqualTo(once);
        String middle = "# Benchmarks\n\n" + DurableBench.SECTION + "\n\nold figures\n\n## B\n\nb\n";
        assertThat(DurableBench.spliced(middle, section)).isEqualTo("# Benchmarks\n\n" + section + "\n## B\n\nb\n");
        String withCluster = "# Benchmarks\n\n" + DurableBench.SECTION + "\n\nold figures\n\n" + DurableBench.CLUSTER
                + "\n\nround trip\n\n## B\n\nb\n";
        assertThat(DurableBench.spliced(withCluster, section)).isEqualTo("# Benchmarks\n\n" + section + "\n"
                + DurableBench.CLUSTER + "\n\nround trip\n\n## B\n\nb\n");
    }
}
