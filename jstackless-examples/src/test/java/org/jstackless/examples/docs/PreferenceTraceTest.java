package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Stackless;
import org.junit.jupiter.api.Test;

/** Pins the four orders of events that docs/channels.md explains, one by one. */
class PreferenceTraceTest {
    private static List<String> trace(Integer mode) throws Exception {
        List<List<String>> box = new ArrayList<>();
        Stackless.runAsMain(() -> box.add(PreferenceTrace.trace(mode)));
        return box.get(0);
    }

    @Test
    void preferReceiver() throws Exception {
        assertThat(trace(-1)).containsExactly("S send 1", "R receive", "R got 1", "R receive", "X 1",
                "S sent 1", "S send 2", "R got 2", "X 2", "S sent 2");
    }

    @Test
    void preferNeither() throws Exception {
        assertThat(trace(0)).containsExactly("S send 1", "R receive", "R got 1", "R receive", "X 1",
                "S sent 1", "S send 2", "S sent 2", "X 2", "R got 2");
    }

    @Test
    void preferSender() throws Exception {
        assertThat(trace(1)).containsExactly("S send 1", "R receive", "S sent 1", "S send 2", "X 1",
                "R got 1", "R receive", "S sent 2", "X 2", "R got 2");
    }

    @Test
    void scheduleAll() throws Exception {
        assertThat(trace(null)).containsExactly("S send 1", "R receive", "X 1", "S sent 1", "S send 2",
                "R got 1", "R receive", "X 2", "S sent 2", "R got 2");
    }
}
