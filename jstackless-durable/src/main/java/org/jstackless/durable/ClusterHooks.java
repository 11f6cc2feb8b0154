package org.jstackless.durable;

/**
 * What a {@link DurableRuntime} in cluster mode tells the layer that places durable tasklets on
 * nodes ({@code jstackless-cluster}). In cluster mode a runtime runs only the tasklets it was
 * given ({@link DurableRuntime#adopt}), starts new ones in the store without running them, leaves
 * blocked channel operations in the store for the channel's owner to match
 * ({@link DurableRuntime#match}), and survives a refused (stale) commit: the tasklets another
 * writer advanced are dropped, the others rewound to their last checkpoint.
 *
 * <p>Called on the runtime's thread, after the commit concerned: implementations must not block.
 */
public interface ClusterHooks {
    /** Durable tasklet {@code id} was created in the store (by a start or {@link Durable#start}): place it. */
    void created(String id);

    /**
     * A tasklet's checkpoint blocked on durable channel {@code channel} is committed and the runtime
     * did not pair the channel's waiters itself ({@link #pair}): the channel may have work.
     */
    void blocked(String channel);

    /** A rendezvous committed by this runtime made {@code id} runnable: its owner must reload it. */
    void matched(String id);

    /**
     * A rendezvous committed by this runtime made {@code id} runnable at checkpoint {@code row} (as
     * committed, sealed): its owner may run it from that row without reading the store. The
     * default: {@link #matched(String)}.
     */
    default void matched(String id, Checkpoint row) {
        matched(id);
    }

    /** This runtime stopped running {@code id}: another writer advanced its checkpoint (fencing). */
    void lost(String id);

    /**
     * This runtime cannot resume {@code id} (its checkpoint's code fingerprints or classes do not
     * match this program: {@code reason}); it does not run it, and the placement layer should give it
     * to a node whose code matches.
     */
    default void unloadable(String id, String reason) {
    }

    /**
     * The partner a tasklet arriving on durable channel {@code channel} in state {@code arriving}
     * (SENDING or RECEIVING) may take at once: the id of the oldest tasklet blocked there, if every
     * tasklet blocked there is of the other kind; null otherwise (then the arriving one blocks and
     * the channel's owner matches it). The one exception to "must not block": called on the
     * runtime's thread, before its commit, it may read the store. The default: null (always block).
     */
    default String partner(String channel, DurableState arriving) {
        return null;
    }

    /**
     * As {@link #partner}, but the partner's whole row (with its pickle), so that an implementation
     * can find and read it in one query; called, like {@code partner}, before the runtime's commit.
     * The default: {@code partner}, then the row from {@code store}.
     */
    default Checkpoint partnerRow(String channel, DurableState arriving, DurableStore store) {
        String id = partner(channel, arriving);
        return id == null ? null : store.row(id);
    }

    /**
     * The oldest sender and the oldest receiver blocked on durable channel {@code channel}, in that
     * order, or an empty list if one kind is missing: the pair the runtime may match at once after
     * committing a blocked row (so it may read the store too). Empty: nothing to pair, and the
     * runtime does not call {@link #blocked} (of two tasklets blocking at once on either side, the
     * one that commits last finds the pair). The default: null (the runtime does not pair: it calls
     * {@code blocked} and the channel's owner matches).
     */
    default java.util.List<String> pair(String channel) {
        return null;
    }

    /**
     * Stackless's {@code balance} of durable channel {@code channel} across the cluster: tasklets
     * blocked sending minus those blocked receiving, as committed (it may read the store). The
     * default refuses: a cluster layer that supports {@code DurableChannel.balance()} implements it.
     */
    default int balance(String channel) {
        throw new UnsupportedOperationException("this cluster layer does not count a durable channel's waiters: "
                + "implement ClusterHooks.balance");
    }
}
