package org.jstackless;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The channels on which some tasklet has blocked, held weakly: the only way a dump finds blocked
 * tasklets, which nothing but their channel references. A channel is added once in its life (the
 * first time a tasklet blocks on it), so a rendezvous pays one flag test and nothing else; a
 * channel that becomes garbage drops out with the tasklets blocked on it.
 *
 * <p>Invariants: {@code refs} holds at most one reference per channel; cleared references are
 * dropped whenever the list reaches {@code limit}, which then becomes twice the live count (at least
 * {@link #MIN_LIMIT}), so adding stays amortized O(1) and the list at most twice the live channels.
 */
final class ChannelsSeen {
    private static final int MIN_LIMIT = 256;
    private static final ArrayList<WeakReference<Channel<?>>> refs = new ArrayList<>();
    private static int limit = MIN_LIMIT;

    private ChannelsSeen() {
    }

    static synchronized void add(Channel<?> ch) {
        if (refs.size() >= limit) {
            refs.removeIf(r -> r.get() == null);
            limit = Math.max(MIN_LIMIT, 2 * refs.size());
        }
        refs.add(new WeakReference<>(ch));
    }

    /** The live channels that have tasklets waiting now (racy balance read; the caller re-checks under the lock). */
    static synchronized List<Channel<?>> withWaiters() {
        List<Channel<?>> l = new ArrayList<>();
        for (WeakReference<Channel<?>> r : refs) {
            Channel<?> ch = r.get();
            if (ch != null && ch.balance() != 0) {
                l.add(ch);
            }
        }
        return l;
    }
}
