package org.jstackless;

/**
 * Called before every channel operation, when the operating tasklet's tempval already holds the
 * value being sent. It must not operate on channels; exceptions go to the thread's
 * uncaught-exception handler.
 */
@FunctionalInterface
public interface ChannelCallback {
    /** {@code t} sends (or receives) on {@code ch} and will block (or not). */
    void onChannel(Channel<?> ch, Tasklet t, boolean sending, boolean willBlock);
}
