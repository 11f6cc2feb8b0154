package org.jstackless.internal;

/**
 * The error messages that Stackless prescribes (spec: stackless-api.md) and the library's own
 * refusals that several call sites share, in one place. The runtime raises these texts; the spec
 * tests assert against the same constants, so a message is changed here or nowhere.
 *
 * <p>State: constants only. Invariant: a prescribed text is Stackless's byte for byte (the spec
 * tests pin them); a library text names the problem and the fix. Public only so that the tests of
 * other packages can read it; the package is not exported.
 */
public final class Errors {
    private Errors() {
    }

    // ---- prescribed by Stackless (spec §3–§5)
    public static final String SWITCH_TRAP = "switch_trap";
    public static final String DEADLOCK = "Deadlock: the last runnable tasklet cannot be blocked.";
    public static final String MAIN_RECEIVING = "the main tasklet is receiving without a sender available.";
    public static final String MAIN_SENDING = "the main tasklet is sending without a receiver available.";
    public static final String CLOSED = "Send/receive operation on a closed channel";
    public static final String BLOCK_TRAP = "this tasklet does not like to be blocked.";
    public static final String RUN_BLOCKED = "You cannot run a blocked tasklet";
    public static final String RUN_DEAD = "You cannot run an unbound(dead) tasklet";
    public static final String REMOVE_BLOCKED = "You cannot remove a blocked tasklet.";
    public static final String REMOVE_CURRENT = "The current tasklet cannot be removed.";
    public static final String THROW_DEAD = "You cannot throw to a dead tasklet";
    public static final String SETUP_ALIVE = "tasklet is alive";
    public static final String SETUP_UNBOUND = "the tasklet was not bound to a function";
    public static final String BIND_CURRENT = "can't (re)bind the current tasklet";
    public static final String BIND_SCHEDULED = "tasklet is scheduled";
    public static final String BIND_MAIN = "can't (re)bind the main tasklet";
    public static final String UNBIND_MAIN = "can't unbind the main tasklet";
    public static final String BIND_RUNNABLE = "can't (re)bind a runnable tasklet";
    public static final String SWITCH_THREAD = "can't switch to a different thread.";
    public static final String RECURSIVE_SCHEDULE = "Recursive scheduler call due to callbacks!";
    public static final String RECURSIVE_CHANNEL = "Recursive channel call due to callbacks!";

    // ---- the library's own, shared by several call sites
    /** What a tasklet waiting outside the scheduler is, in the refusals that name it. */
    public static final String WAITS_OUTSIDE = "waits for a blocking call, a timer or a future";
    public static final String RUN_WAITING = "You cannot run a tasklet that " + WAITS_OUTSIDE;
    public static final String REMOVE_WAITING = "You cannot remove a tasklet that " + WAITS_OUTSIDE + ".";
    public static final String BIND_WAITING = "can't (re)bind a tasklet that " + WAITS_OUTSIDE;
    public static final String MAIN_SELECTING = "the main tasklet is selecting without a partner available.";
    public static final String SELECT_CLOSED = CLOSED + " (a channel of the select the tasklet was blocked in was closed)";

    /** The refusal of a switch from inside the schedule callback. */
    public static IllegalStateException recursiveSchedule() {
        return new IllegalStateException(RECURSIVE_SCHEDULE);
    }

    /** The refusal of a channel operation from inside the channel callback. */
    public static IllegalStateException recursiveChannel() {
        return new IllegalStateException(RECURSIVE_CHANNEL);
    }
}
