package org.jstackless.cluster.internal;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko serializer of {@link Msg}: a one-letter manifest and, for {@link Msg.Where}, the reply
 * actor's path. Our own, so the cluster needs neither Java serialization (off in Pekko) nor Jackson.
 * Bytes from the network are bounded by Artery's frame size; anything unknown is refused.
 */
public final class WireSerializer extends SerializerWithStringManifest {
    private final ExtendedActorSystem system;

    /** Created by Pekko with its actor system. */
    public WireSerializer(ExtendedActorSystem system) {
        this.system = system;
    }

    @Override
    public int identifier() {
        return 0x4a534c31; // "JSL1"
    }

    @Override
    public String manifest(Object o) {
        return switch (o) {
            case Msg.Ensure e -> "E";
            case Msg.Stop s -> "S";
            case Msg.Where w -> "W";
            case Msg.Kick k -> "K";
            case Msg.Op op -> "O";
            case Msg.Woken w -> "R";
            default -> throw new IllegalArgumentException("not a cluster message: " + o.getClass());
        };
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof Msg.Where w) {
            return ActorRefResolver.get(Adapter.toTyped(system)).toSerializationFormat(w.replyTo())
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (o instanceof Msg.Op op) { // "op|actor path"; op is one of a few words
            return (op.op() + "|" + ActorRefResolver.get(Adapter.toTyped(system)).toSerializationFormat(op.replyTo()))
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (o instanceof Msg.Woken w) {
            return Rows.encode(w.row());
        }
        manifest(o); // refuses what is not ours
        return new byte[0];
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) {
        return switch (manifest) {
            case "E" -> new Msg.Ensure();
            case "S" -> new Msg.Stop();
            case "K" -> new Msg.Kick();
            case "R" -> new Msg.Woken(Rows.decode(bytes));
            case "W" -> {
                ActorRef<String> r = ActorRefResolver.get(Adapter.toTyped(system))
                        .resolveActorRef(new String(bytes, StandardCharsets.UTF_8));
                yield new Msg.Where(r);
            }
            case "O" -> {
                String t = new String(bytes, StandardCharsets.UTF_8);
                int bar = t.indexOf('|');
                if (bar < 0) {
                    throw new IllegalArgumentException("a malformed cluster operation message");
                }
                ActorRef<Boolean> r = ActorRefResolver.get(Adapter.toTyped(system)).resolveActorRef(t.substring(bar + 1));
                yield new Msg.Op(t.substring(0, bar), r);
            }
            default -> throw new IllegalArgumentException("unknown cluster message manifest '" + manifest + "'");
        };
    }
}
