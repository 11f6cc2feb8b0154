package org.jstackless.cluster.internal;

import org.apache.pekko.actor.typed.ActorRef;

/** What the cluster's sharded entities (durable tasklets and durable channels) are told. */
public sealed interface Msg {
    /** A tasklet entity: run the tasklet here if unfinished, or reload it if a rendezvous made it runnable. */
    record Ensure() implements Msg {
    }

    /** Sharding's stop message (hand-off, drain): stop running the tasklet here. */
    record Stop() implements Msg {
    }

    /** Local only: this node's runtime lost the tasklet to another writer (fencing): passivate. */
    record Lost() implements Msg {
    }

    /** A tasklet entity: answer with the name of the node it runs on. */
    record Where(ActorRef<String> replyTo) implements Msg {
    }

    /** A tasklet entity: run operation {@code op} (kill, suspend, resume, cancel, purge) where the tasklet runs; answers true if done. */
    record Op(String op, ActorRef<Boolean> replyTo) implements Msg {
    }

    /**
     * A tasklet entity: a rendezvous on another node committed {@code row}, the tasklet's next
     * checkpoint (sealed): run it from there (no read of the store) if it waits here just before it.
     */
    record Woken(org.jstackless.durable.Checkpoint row) implements Msg {
    }

    /** A channel entity: match the senders and receivers waiting on the channel in the store. */
    record Kick() implements Msg {
    }

    /** Local only: a channel entity's round of matching ended; {@code matched} rendezvous committed. */
    record Matched(int matched, boolean failed) implements Msg {
    }
}
