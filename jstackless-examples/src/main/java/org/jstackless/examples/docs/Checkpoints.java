package org.jstackless.examples.docs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jstackless.Channel;
import org.jstackless.Pickler;
import org.jstackless.ReplayedPickleException;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * The example of docs/pickling.md: a checkpoint of a tasklet that works on an ordinary class,
 * with named roots to find its channel and its list after loading, and the replay check.
 */
public final class Checkpoints {
    private Checkpoints() {
    }

    /** An ordinary class: private final fields, no no-arg constructor, a transient cache. */
    static final class Order {
        private final String item;
        private final int quantity;
        private transient String label; // not pickled: null after loading, rebuilt on demand

        Order(String item, int quantity) {
            this.item = item;
            this.quantity = quantity;
        }

        String label() {
            if (label == null) {
                label = quantity + " x " + item;
            }
            return label;
        }
    }

    /** The clerk takes orders from its inbox for ever. */
    static void clerk(Channel<Order> inbox, List<Order> done) throws Suspendable {
        while (true) {
            Order o = inbox.receive();
            done.add(o);
        }
    }

    /** Runs the example on the calling thread's scheduler, reporting each step to {@code out}. */
    @SuppressWarnings("unchecked")
    public static void tour(Consumer<String> out) throws Suspendable {
        byte[] key = "checkpoints example key, not a secret".getBytes(StandardCharsets.UTF_8);
        // Only data is allowed: the clerk's code (its frames) is identified by method and fingerprint.
        Pickler pickler = Pickler.builder().allow(Order.class).signingKey(key).build();

        Channel<Order> inbox = new Channel<>();
        List<Order> done = new ArrayList<>();
        Tasklet clerk = Tasklet.spawn(() -> clerk(inbox, done));
        inbox.send(new Order("apple", 3));
        Stackless.run();                                     // the clerk takes it and waits for the next
        byte[] checkpoint = pickler.dumps(clerk, Map.of("inbox", inbox, "done", done));
        clerk.kill();                                        // as if this JVM ended here

        Pickler.Loaded back = pickler.loadsWithRoots(checkpoint);
        Channel<Order> inbox2 = back.root("inbox", Channel.class);
        List<Order> done2 = back.root("done", List.class);
        out.accept("clerk blocked on the restored inbox: " + (back.tasklet().blockedOn() == inbox2));
        inbox2.send(new Order("pear", 2));
        Stackless.run();
        for (Order o : done2) {
            out.accept("done: " + o.label());
        }
        try {
            pickler.loads(checkpoint);
        } catch (ReplayedPickleException e) {
            out.accept("the same checkpoint again: refused (sequence " + e.sequence() + ", already loaded "
                    + e.lastSeen() + ")");
        }
        back.tasklet().kill();
    }

    /** Prints the example's lines. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> tour(System.out::println));
    }
}
