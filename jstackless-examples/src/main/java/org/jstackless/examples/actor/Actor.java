package org.jstackless.examples.actor;

import java.util.ArrayDeque;
import org.jstackless.Coroutine;
import org.jstackless.Suspendable;

/**
 * An actor: a coroutine of its {@link ActorSystem}'s group with a FIFO mailbox.
 *
 * <p>Algorithm: {@link #receive()} takes the oldest message; with an empty mailbox it marks the
 * actor waiting and switches to the group's main coroutine (the dispatcher), which resumes the
 * actor once a message was told to it. Invariants: an actor runs only inside its system's
 * dispatcher; it is in the ready queue at most once; a waiting actor's mailbox is empty.
 */
public final class Actor<M> {
    final ActorSystem system;
    final String name;
    final Behavior<M> behavior;
    final ArrayDeque<M> mailbox = new ArrayDeque<>();
    Coroutine co;
    boolean ready;
    boolean waiting;

    Actor(ActorSystem system, String name, Behavior<M> behavior) {
        this.system = system;
        this.name = name;
        this.behavior = behavior;
    }

    /** The next message, suspending this actor (only) until one arrives. */
    public M receive() throws Suspendable {
        while (mailbox.isEmpty()) {
            waiting = true;
            system.group.main().switchTo();
        }
        return mailbox.poll();
    }

    /** Sends {@code message} to {@code to}; asynchronous, like every tell. */
    public <T> void tell(Actor<T> to, T message) {
        system.tell(to, message);
    }

    /** The system this actor lives in. */
    public ActorSystem system() {
        return system;
    }

    /** The actor's name. */
    public String name() {
        return name;
    }

    /** True until its behavior returned or threw. */
    public boolean isAlive() {
        return co == null || co.isAlive();
    }

    @Override
    public String toString() {
        return "Actor[" + name + "]";
    }
}
