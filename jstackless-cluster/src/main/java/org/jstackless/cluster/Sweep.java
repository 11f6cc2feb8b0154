package org.jstackless.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jstackless.cluster.internal.Directory;

/**
 * What the leader's sweep ({@link ClusterNode#sweep}) remembers between runs, and its
 * change-driven queries: one owner, the sweeper thread (the counter is read by others).
 */
final class Sweep {
    /** {@code -Djstackless.cluster.sweep=full}: the former sweep, for comparison (read at each sweep). */
    static boolean full() {
        return "full".equals(System.getProperty("jstackless.cluster.sweep"));
    }
    /** After a membership or refusal change, placement runs every sweep for this long (longer than the gone grace). */
    static final long SETTLE_MILLIS = 8_000;
    /** Placement runs at least this often, changes or not (a safety net). */
    static final long PLACE_EVERY_MILLIS = 30_000;
    /** A sleeper this late is woken through its entity (its owner lost its timer). */
    static final long OVERDUE_MILLIS = 2_000;

    private String membership;
    private long changedAt;
    private long placedAt;
    /** RUNNABLE rows' commit numbers at the last sweep. */
    private Map<String, Long> runnable = new HashMap<>();
    private final AtomicLong sent = new AtomicLong();

    /** This node is not the leader (any more): start afresh when it is again. */
    void forget() {
        membership = null;
        runnable = new HashMap<>();
    }

    /** Whether placement runs now: the membership key changed lately, or the safety interval passed. */
    boolean placementDue(String key, long now) {
        if (!key.equals(membership)) {
            membership = key;
            changedAt = now;
        }
        if (now - changedAt <= SETTLE_MILLIS || now - placedAt >= PLACE_EVERY_MILLIS) {
            placedAt = now;
            return true;
        }
        return false;
    }

    /**
     * Adds the change-driven work: RUNNABLE rows that did not advance since the last sweep (except
     * those some node refused: placement handles them), overdue sleepers, ids operated on from
     * outside, and channels with a pair waiting.
     */
    void changes(Directory d, long now, Set<String> refused, Set<String> tell, Set<String> channels) {
        Map<String, Long> next = new HashMap<>();
        for (Directory.Row r : d.runnable()) {
            next.put(r.id(), r.txn());
            if (Objects.equals(runnable.get(r.id()), r.txn()) && !refused.contains(r.id())) {
                tell.add(r.id());
            }
        }
        runnable = next;
        for (Directory.Row r : d.overdue(now - OVERDUE_MILLIS)) {
            tell.add(r.id());
        }
        tell.addAll(d.takeOps());
        List<String> p = d.pairable();
        channels.addAll(p);
    }

    void sent(int n) {
        sent.addAndGet(n);
    }

    long sent() {
        return sent.get();
    }
}
