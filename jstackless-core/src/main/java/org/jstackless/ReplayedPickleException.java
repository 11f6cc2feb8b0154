package org.jstackless;

/**
 * A pickle of a tasklet is not newer than one already loaded: the same bytes loaded twice, or an
 * older checkpoint of a tasklet loaded after a newer one (a replay or a rollback). Thrown by
 * {@link Pickler#loads} when its {@link SequenceRecord} has seen a sequence number at least as high
 * for the same tasklet; nothing was restored and the record is unchanged.
 */
public class ReplayedPickleException extends NotPicklableException {
    private static final long serialVersionUID = 1L;

    private final String tasklet;
    private final long sequence;
    private final long lastSeen;

    /** For the tasklet identity {@code tasklet}, whose pickle {@code sequence} is not above {@code lastSeen}. */
    public ReplayedPickleException(String tasklet, long sequence, long lastSeen) {
        super("replayed or older pickle of tasklet " + tasklet + ": its sequence number is " + sequence
                + ", but sequence " + lastSeen + " of that tasklet was loaded already (load each checkpoint once and "
                + "only the newest; Pickler.builder().acceptReplays() turns this check off)");
        this.tasklet = tasklet;
        this.sequence = sequence;
        this.lastSeen = lastSeen;
    }

    /** The tasklet's stable identity, as in {@link SequenceRecord}. */
    public String tasklet() {
        return tasklet;
    }

    /** The refused pickle's sequence number. */
    public long sequence() {
        return sequence;
    }

    /** The highest sequence number of this tasklet loaded before. */
    public long lastSeen() {
        return lastSeen;
    }
}
