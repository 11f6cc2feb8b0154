package org.jstackless.internal.switching;

/** Makes strands of one mechanism. */
public interface StrandFactory {
    /**
     * A new, not yet started strand that will run {@code body} between the entry's hooks (the
     * entry runs it: {@link StrandEntry#runBody}; a plugged mechanism may call the body itself).
     */
    Strand create(Object body, StrandEntry entry);
}
