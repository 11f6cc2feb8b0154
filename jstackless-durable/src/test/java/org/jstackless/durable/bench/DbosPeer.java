package org.jstackless.durable.bench;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.config.DBOSConfig;
import dev.dbos.transact.workflow.Workflow;
import dev.dbos.transact.workflow.WorkflowHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer of {@code Durable.step}: DBOS Transact for Java, a workflow whose steps each record
 * their result in PostgreSQL ({@code DBOS.runStep}), with DBOS's defaults (its HikariCP pool of 10
 * connections, one transaction per step, workflows on virtual threads).
 */
final class DbosPeer implements AutoCloseable {
    /** The benchmark's workflow: {@code steps} durable steps, each returning its index. */
    public interface Steps {
        int run(int steps) throws Exception;
    }

    /** Its DBOS implementation. */
    public static final class DbosSteps implements Steps {
        private final DBOS dbos;
        private final Latencies latencies;

        DbosSteps(DBOS dbos, Latencies latencies) {
            this.dbos = dbos;
            this.latencies = latencies;
        }

        @Override
        @Workflow(name = "jsl-bench-steps")
        public int run(int steps) throws Exception {
            int sum = 0;
            for (int i = 0; i < steps; i++) {
                int v = i;
                long t0 = System.nanoTime();
                sum += dbos.runStep(() -> v, "step");
                latencies.add(System.nanoTime() - t0);
            }
            return sum;
        }
    }

    private final DBOS dbos;
    private final Steps proxy;

    /** DBOS launched on {@code jdbcUrl} (its system tables in the database there), user {@code user}. */
    DbosPeer(String jdbcUrl, String user, Latencies latencies) {
        DBOSConfig config = DBOSConfig.defaults("jsl-durable-bench").withDatabaseUrl(jdbcUrl).withDbUser(user)
                .withDbPassword("").disableAdminServer();
        dbos = new DBOS(config);
        proxy = dbos.registerProxy(Steps.class, new DbosSteps(dbos, latencies));
        dbos.launch();
    }

    /** Runs {@code workflows} workflows of {@code steps} steps at once; returns when all ended. */
    void run(int workflows, int steps) throws Exception {
        if (workflows == 1) {
            proxy.run(steps);
            return;
        }
        List<WorkflowHandle<Integer, Exception>> hs = new ArrayList<>();
        for (int w = 0; w < workflows; w++) {
            hs.add(dbos.startWorkflow(() -> proxy.run(steps)));
        }
        for (WorkflowHandle<Integer, Exception> h : hs) {
            h.getResult();
        }
    }

    @Override
    public void close() {
        dbos.shutdown();
    }
}
