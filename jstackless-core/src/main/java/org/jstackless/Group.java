package org.jstackless;

import java.util.Objects;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Resumption;

/**
 * A coroutine group (PyPy's "costate"): the bookkeeping of one switching concept. A group has its
 * own {@link #main() main} and {@link #current() current} coroutine; a switch to a coroutine changes
 * only the current of that coroutine's group, so concepts built on different groups (tasklets,
 * greenlets, generators, a user's own) coexist without seeing each other.
 *
 * <p>Algorithm (the seed's "'current' is never stored ... just keep track where the history of a
 * jump must be stored"): switching to {@code target} in group {@code g} stores the execution that
 * runs now (the carrier's running strand, or the thread stack) into {@code g.current}'s frame slot,
 * makes {@code target} current and resumes the execution in {@code target}'s slot. The main
 * coroutine owns no strand of its own: its slot receives whatever flow was running when the group
 * left main, the first time and every time after, so a group used from the thread stack, from a
 * tasklet or from inside another concept's coroutine returns to exactly that flow.
 *
 * <p>Invariants: {@code current} is never null once the group is used; a coroutine that is not its
 * group's current and is started holds in its slot the one suspended execution that resumes it;
 * switching to the current coroutine does not switch at all.
 *
 * <p>Threads: a group is confined to the thread (carrier) that first uses it, and using it from
 * another thread raises {@link IllegalStateException}. Concepts that need one group per thread
 * (greenlets: one main greenlet per thread) keep one group per thread themselves.
 */
public final class Group {
    private final String name;
    private Carrier carrier;
    private Coroutine main;
    /** The group's current coroutine; null until the group is first used. */
    Coroutine current;
    /**
     * What a switch in this group returns when the suspended execution is resumed: the resumed
     * coroutine's mailbox. One constant per group, so a switch allocates nothing.
     */
    final Resumption resume = this::claimCurrent;

    /** A new, unused group; it binds to the thread that first uses it. */
    public Group(String name) {
        this.name = Objects.requireNonNull(name, "a group needs a name");
    }

    /** The group's current coroutine on this thread (its main until something switched). */
    public Coroutine current() {
        use();
        return current;
    }

    /** The group's main coroutine: the flow that runs whenever no other member of the group does. */
    public Coroutine main() {
        use();
        return main;
    }

    /** The name given at construction. */
    public String name() {
        return name;
    }

    /** The thread this group is bound to, or null while unused. */
    public Thread thread() {
        Carrier c = carrier;
        return c == null ? null : c.thread();
    }

    /** Binds the group to the calling thread on first use; refuses any other thread. */
    Carrier use() {
        Carrier c = Carrier.current();
        if (carrier == c) {
            return c;
        }
        if (carrier != null) {
            throw new IllegalStateException("cannot switch to a different thread: group '" + name
                    + "' belongs to thread " + carrier.thread().getName() + ", not "
                    + Thread.currentThread().getName() + " (a group is confined to the thread that first used it)");
        }
        carrier = c;
        main = new Coroutine(this, true, Coroutine.QUIET_EXIT);
        current = main;
        return c;
    }

    /** True if the group was already bound to the calling thread. */
    boolean usedHere() {
        return carrier != null && carrier == Carrier.peek();
    }

    private Object claimCurrent() {
        return current.claim();
    }

    @Override
    public String toString() {
        return "Group[" + name + "]";
    }
}
