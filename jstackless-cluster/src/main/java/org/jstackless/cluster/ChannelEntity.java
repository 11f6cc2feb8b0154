package org.jstackless.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.jstackless.cluster.internal.Directory;
import org.jstackless.cluster.internal.Msg;
import org.jstackless.durable.DurableState;

/**
 * The sharded entity of one durable channel (entity id = channel name): the only matcher of the
 * channel's rendezvous. Its queues are the rows blocked on the channel in PostgreSQL, in the order
 * they blocked; a {@link Msg.Kick} (sent when a tasklet blocks there) pairs the oldest senders with
 * the oldest receivers, and each pair is one fenced commit of both rows. One round at a time; a kick
 * during a round runs another one after it.
 */
final class ChannelEntity {
    private ChannelEntity() {
    }

    static Behavior<Msg> create(ClusterNode node, EntityContext<Msg> ctx) {
        String ch = ctx.getEntityId();
        return Behaviors.withTimers(timers -> Behaviors.setup(c -> {
            boolean[] busy = {false};
            boolean[] again = {false};
            return Behaviors.receive(Msg.class)
                    .onMessage(Msg.Kick.class, m -> {
                        if (busy[0]) {
                            again[0] = true;
                            return Behaviors.same();
                        }
                        org.jstackless.durable.internal.Trace.at("kick " + ch);
                        List<Directory.Row> w = node.directory().waiters(ch);
                        org.jstackless.durable.internal.Trace.at("waiters read " + ch + " " + w.size());
                        List<String> senders = new ArrayList<>();
                        List<String> receivers = new ArrayList<>();
                        for (Directory.Row r : w) {
                            (r.state() == DurableState.SENDING ? senders : receivers).add(r.id());
                        }
                        int n = Math.min(senders.size(), receivers.size());
                        if (n == 0) {
                            return Behaviors.same();
                        }
                        busy[0] = true;
                        AtomicInteger done = new AtomicInteger();
                        List<CompletableFuture<Boolean>> fs = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            fs.add(node.runtime().match(ch, senders.get(i), receivers.get(i))
                                    .whenComplete((ok, e) -> {
                                        if (Boolean.TRUE.equals(ok)) {
                                            done.incrementAndGet();
                                        }
                                    }));
                        }
                        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).whenComplete((v, e) ->
                                c.getSelf().tell(new Msg.Matched(done.get(), e != null)));
                        return Behaviors.same();
                    })
                    .onMessage(Msg.Matched.class, m -> {
                        busy[0] = false;
                        if (m.failed()) { // a stale commit (another matcher, a cancel) or a pickle this node cannot load: later
                            timers.startSingleTimer(new Msg.Kick(), Duration.ofMillis(200));
                        } else if (again[0] || m.matched() > 0) {
                            again[0] = false;
                            c.getSelf().tell(new Msg.Kick());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Msg.Stop.class, m -> Behaviors.stopped())
                    .build();
        }));
    }
}
