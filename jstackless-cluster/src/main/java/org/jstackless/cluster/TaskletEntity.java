package org.jstackless.cluster;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.jstackless.cluster.internal.Msg;

/**
 * The sharded entity of one durable tasklet (entity id = tasklet id): while it lives on a node,
 * that node's runtime runs the tasklet. Started by any message (sharding places it); stopped by
 * sharding's hand-off (rebalance, migration, drain), which releases the tasklet at a round's end,
 * at its last committed checkpoint, where the next node resumes it.
 */
final class TaskletEntity {
    private TaskletEntity() {
    }

    static Behavior<Msg> create(ClusterNode node, EntityContext<Msg> ctx) {
        return Behaviors.setup(c -> {
            String id = ctx.getEntityId();
            node.entityStarted(id, c.getSelf());
            node.runtime().wake(id); // adopts it: runs, arms or parks it from its last checkpoint
            return Behaviors.receive(Msg.class)
                    .onMessage(Msg.Ensure.class, m -> {
                        node.runtime().wake(id); // a no-op when it runs here; reloads it after a rendezvous elsewhere
                        return Behaviors.same();
                    })
                    .onMessage(Msg.Woken.class, m -> {
                        node.runtime().woken(m.row()); // asynchronous: the runtime's thread takes it from here
                        return Behaviors.same();
                    })
                    .onMessage(Msg.Where.class, m -> {
                        // "" when this node does not hold it (its code does not match: refused)
                        m.replyTo().tell(node.runtime().info(id).isPresent() ? node.name() : "");
                        return Behaviors.same();
                    })
                    .onMessage(Msg.Op.class, m -> { // kill, suspend, resume, cancel, purge: where it runs
                        boolean done;
                        try {
                            done = switch (m.op()) {
                                case "kill" -> node.runtime().kill(id);
                                case "suspend" -> node.runtime().suspend(id);
                                case "resume" -> node.runtime().resume(id);
                                case "cancel" -> node.runtime().cancel(id);
                                case "purge" -> node.runtime().purge(id);
                                default -> false;
                            };
                        } catch (RuntimeException e) {
                            done = false;
                        }
                        m.replyTo().tell(done);
                        return Behaviors.same();
                    })
                    .onMessage(Msg.Lost.class, m -> {
                        ctx.getShard().tell(new ClusterSharding.Passivate<>(c.getSelf()));
                        return Behaviors.same();
                    })
                    .onMessage(Msg.Stop.class, m -> {
                        node.runtime().release(id);
                        node.entityStopped(id, c.getSelf());
                        return Behaviors.stopped();
                    })
                    .build();
        });
    }
}
