package org.jstackless.internal.switching;

import org.jstackless.TaskletBody;

/** Makes strands of one mechanism. */
public interface StrandFactory {
    /** A new, not yet started strand that will run {@code body} between the entry's hooks. */
    Strand create(TaskletBody body, StrandEntry entry);

    /** The mechanism this factory makes. */
    Mechanism mechanism();
}
