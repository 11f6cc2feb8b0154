package org.jstackless.durable;

import org.jstackless.durable.internal.PrivatePostgres;
import org.junit.jupiter.api.Assumptions;

/** A private PostgreSQL server for a test, which is skipped, saying why, only when PostgreSQL is not installed. */
final class PostgresServer implements AutoCloseable {
    private final PrivatePostgres pg;

    private PostgresServer(PrivatePostgres pg) {
        this.pg = pg;
    }

    static PostgresServer start() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.binaries() != null, "PostgreSQL is not installed (no "
                + "/usr/lib/postgresql/*/bin/initdb): apt-get install postgresql to run the PostgreSQL store tests");
        return new PostgresServer(PrivatePostgres.start());
    }

    String url() {
        return pg.url();
    }

    @Override
    public void close() throws Exception {
        pg.close();
    }
}
