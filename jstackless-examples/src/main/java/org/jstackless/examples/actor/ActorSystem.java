package org.jstackless.examples.actor;

import java.util.ArrayDeque;
import java.util.Objects;
import org.jstackless.Coroutine;
import org.jstackless.Group;
import org.jstackless.Suspendable;

/**
 * A user-defined concurrency concept built on {@link Coroutine} and its own {@link Group}: actors
 * with mailboxes and a run-to-idle dispatcher. Because the actors live in their own group, the
 * dispatcher can run inside a tasklet, next to greenlets and generators, and none of those concepts
 * sees an actor switch (the tasklet scheduler still thinks the dispatching tasklet is running).
 *
 * <pre>{@code
 * ActorSystem sys = new ActorSystem("demo");
 * Actor<String> echo = sys.spawn("echo", self -> { for (;;) System.out.println(self.receive()); });
 * sys.tell(echo, "hi");
 * sys.runUntilIdle();     // prints "hi", then echo waits in receive()
 * }</pre>
 *
 * <p>Algorithm: the group's main coroutine is the dispatcher (whatever flow calls
 * {@link #runOne()}); a ready queue holds actors with a message to handle or not yet started.
 * {@code runOne()} switches to the first ready actor; the actor runs until it waits in
 * {@code receive()} or ends, either of which returns control to the dispatcher (an actor's
 * coroutine is bound when first dispatched, so its parent is the dispatcher). Invariants: actors
 * run one at a time and only inside {@code runOne}; the system belongs to one thread (its group's).
 */
public final class ActorSystem {
    final Group group;
    private final ArrayDeque<Actor<?>> readyQueue = new ArrayDeque<>();
    private int turns;

    /** A new actor system with its own coroutine group. */
    public ActorSystem(String name) {
        this.group = new Group(Objects.requireNonNull(name));
    }

    /** Creates an actor; it starts at the next dispatch. */
    public <M> Actor<M> spawn(String name, Behavior<M> behavior) {
        Actor<M> a = new Actor<>(this, name, Objects.requireNonNull(behavior));
        makeReady(a);
        return a;
    }

    /** Queues {@code message} for {@code to}; it runs at a later dispatch. */
    public <M> void tell(Actor<M> to, M message) {
        if (to.system != this) {
            throw new IllegalArgumentException(to + " belongs to another actor system");
        }
        to.mailbox.add(message);
        if (to.waiting) {
            to.waiting = false;
            makeReady(to);
        }
    }

    private void makeReady(Actor<?> a) {
        if (!a.ready) {
            a.ready = true;
            readyQueue.add(a);
        }
    }

    /**
     * Gives one ready actor a turn (until it waits for a message or ends). Returns false when no
     * actor was ready. Must be called from outside the actors (from the group's main flow).
     */
    public boolean runOne() throws Suspendable {
        if (!group.current().isMain()) {
            throw new IllegalStateException("runOne() is the dispatcher: call it from outside the actors");
        }
        Actor<?> a = readyQueue.poll();
        if (a == null) {
            return false;
        }
        a.ready = false;
        if (a.co == null) {
            start(a);
        }
        turns++;
        a.co.switchTo();
        return true;
    }

    private <M> void start(Actor<M> a) {
        a.co = new Coroutine(group).bind(() -> a.behavior.run(a));
    }

    /** Dispatches until no actor is ready; returns the number of turns given. */
    public int runUntilIdle() throws Suspendable {
        int n = 0;
        while (runOne()) {
            n++;
        }
        return n;
    }

    /** Total turns given so far. */
    public int turns() {
        return turns;
    }

    /** The coroutine group the actors run in. */
    public Group group() {
        return group;
    }
}
