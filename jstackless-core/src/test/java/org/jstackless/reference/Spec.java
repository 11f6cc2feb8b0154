package org.jstackless.reference;

/** Error messages the spec prescribes (spec §3.2, §4.2, §5.4, §2.10, §3.1, §3.3). */
final class Spec {
    static final String DEADLOCK = "Deadlock: the last runnable tasklet cannot be blocked.";
    static final String MAIN_RECEIVING = "the main tasklet is receiving without a sender available.";
    static final String MAIN_SENDING = "the main tasklet is sending without a receiver available.";
    static final String CLOSED = "Send/receive operation on a closed channel";
    static final String BLOCK_TRAP = "this tasklet does not like to be blocked.";
    static final String SWITCH_TRAP = "switch_trap";
    static final String RUN_BLOCKED = "You cannot run a blocked tasklet";
    static final String RUN_DEAD = "You cannot run an unbound(dead) tasklet";
    static final String REMOVE_BLOCKED = "You cannot remove a blocked tasklet.";
    static final String REMOVE_CURRENT = "The current tasklet cannot be removed.";
    static final String THROW_DEAD = "You cannot throw to a dead tasklet";
    static final String SETUP_ALIVE = "tasklet is alive";
    static final String SETUP_UNBOUND = "the tasklet was not bound to a function";
    static final String BIND_CURRENT = "can't (re)bind the current tasklet";
    static final String BIND_SCHEDULED = "tasklet is scheduled";

    private Spec() {
    }
}
