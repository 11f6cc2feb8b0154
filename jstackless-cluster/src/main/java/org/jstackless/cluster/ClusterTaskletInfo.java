package org.jstackless.cluster;

import java.time.Instant;
import java.util.List;
import org.jstackless.durable.DurableState;

/**
 * A durable tasklet as the cluster sees it ({@link ClusterNode#tasklets}).
 *
 * @param id        its stable id
 * @param state     its state, as committed
 * @param seq       its last checkpoint's sequence number
 * @param node      the node its shard is placed on (where it runs if unfinished), or "" if unplaced
 * @param version   its checkpoint's code version (12 hex digits over its frames' method fingerprints), "" if none
 * @param channel   the durable channel it is blocked on, or ""
 * @param wakeAt    its wake-up time when SLEEPING, else null
 * @param detail    a failure's text, "cancelling", or ""
 * @param refusedBy the nodes whose code cannot run it (version pinning)
 */
public record ClusterTaskletInfo(String id, DurableState state, long seq, String node, String version, String channel,
        Instant wakeAt, String detail, List<String> refusedBy) {
}
