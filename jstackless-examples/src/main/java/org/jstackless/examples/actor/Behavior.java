package org.jstackless.examples.actor;

import org.jstackless.Suspendable;

/** What an actor does: usually a loop over {@link Actor#receive()}. Returning ends the actor. */
@FunctionalInterface
public interface Behavior<M> {
    /** Runs the actor; {@code self} gives it its mailbox and its system. */
    void run(Actor<M> self) throws Suspendable, Exception;
}
