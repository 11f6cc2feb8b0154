package org.jstackless.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.typed.Cluster;
import org.jstackless.cluster.internal.Directory;
import org.jstackless.durable.DurableState;

/** The cluster-wide listing of durable tasklets: the store's rows, their placement, their code versions. */
final class ClusterOps {
    private ClusterOps() {
    }

    static List<ClusterTaskletInfo> tasklets(ClusterNode n, ExternalShardAllocationClient placement, DurableState state,
            String node, String version) {
        Map<String, ExternalShardAllocationStrategy.ShardLocation> locs;
        try {
            locs = placement.getShardLocations().toCompletableFuture().get(10, TimeUnit.SECONDS).getShardLocations();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the tasklets' placement from the cluster: " + e
                    + "; try again once the cluster is stable", e);
        }
        Map<Address, String> names = new HashMap<>();
        for (Member m : Cluster.get(n.system()).state().getMembers()) {
            m.getRoles().stream().filter(r -> r.startsWith("name:")).findFirst().ifPresent(r -> names.put(m.address(), r.substring(5)));
        }
        Map<String, List<String>> refused = new HashMap<>();
        for (Directory.Refusal r : n.directory().refusals()) {
            refused.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r.node());
        }
        List<ClusterTaskletInfo> out = new ArrayList<>();
        for (Directory.Row r : n.directory().all()) {
            if (state != null && r.state() != state) {
                continue;
            }
            ExternalShardAllocationStrategy.ShardLocation l = locs.get(r.id());
            String at = l == null ? "" : names.getOrDefault(l.address(), "");
            if (node != null && !node.equals(at)) {
                continue;
            }
            String v;
            try {
                v = n.runtime().version(r.id());
            } catch (RuntimeException e) {
                v = ""; // purged meanwhile, or a row the inspector refuses
            }
            if (version != null && !version.equals(v)) {
                continue;
            }
            out.add(new ClusterTaskletInfo(r.id(), r.state(), r.seq(), at, v, r.channel(),
                    r.state() == DurableState.SLEEPING ? Instant.ofEpochMilli(r.wakeAt()) : null, r.detail(),
                    List.copyOf(refused.getOrDefault(r.id(), List.of()))));
        }
        return out;
    }
}
