package org.jstackless.internal.jfr;

/**
 * Whether the JFR events that hook hot paths are enabled in some running recording: one volatile
 * read where they hook in (tasklet start and end, blocking on a channel, blocking calls), so that
 * with no recording those paths allocate nothing and call nothing. Kept up to date by
 * {@link JfrSupport}'s recording listener; this class refers to nothing of {@code jdk.jfr}, so the
 * hooks load even where that module is absent (then the flags stay false).
 */
public final class JfrFlags {
    public static volatile boolean taskletStart;
    public static volatile boolean taskletEnd;
    public static volatile boolean channelBlocked;
    public static volatile boolean blockingCall;

    private JfrFlags() {
    }
}
