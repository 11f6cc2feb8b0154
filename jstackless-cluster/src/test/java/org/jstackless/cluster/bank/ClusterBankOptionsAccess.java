package org.jstackless.cluster.bank;

/** Lets tests of other packages check that bank arguments parse. */
public final class ClusterBankOptionsAccess {
    private ClusterBankOptionsAccess() {
    }

    /** True if {@code args} are valid cluster-bank options (throws, saying why, if not). */
    public static boolean parses(String[] args) {
        return ClusterBank.Options.parse(args) != null;
    }
}
