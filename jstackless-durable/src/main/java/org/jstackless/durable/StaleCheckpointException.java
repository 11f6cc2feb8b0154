package org.jstackless.durable;

/**
 * A store refused a commit because a row's sequence number is not one more than the stored one:
 * another writer advanced the tasklet (or created it) first. Nothing of the refused commit was
 * written. The writer that gets it holds a stale copy and must stop running that tasklet.
 */
public class StaleCheckpointException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** With the message naming the tasklet and both sequence numbers. */
    public StaleCheckpointException(String message) {
        super(message);
    }
}
