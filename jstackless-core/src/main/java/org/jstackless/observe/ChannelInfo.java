package org.jstackless.observe;

import java.util.List;

/**
 * A channel with waiting tasklets in a {@link TaskletDump}.
 *
 * @param channel its name in the dump: {@code Channel@} and its identity hash in hex
 * @param balance senders waiting (positive) or receivers waiting (negative)
 * @param preference the channel's preference (-1, 0, +1)
 * @param closing whether {@code close()} was called
 * @param queue the ids of the waiting tasklets, first to be served first
 */
public record ChannelInfo(String channel, int balance, int preference, boolean closing, List<Long> queue) {
}
