package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.pickle.PickleTestSupport.OUT;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.Channel;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Named roots: how a program finds the channels and objects a loaded tasklet brought back. */
class PickleRootsTest {
    @BeforeEach
    void clear() {
        OUT.clear();
    }

    static void worker(Channel<String> in, List<String> log) throws Suspendable {
        while (true) {
            String s = in.receive();
            log.add(s);
            if (s.equals("stop")) {
                return;
            }
        }
    }

    @Test
    void rootsComeBackByNameAsTheObjectsTheFramesHold() throws Exception {
        Pickler p = PickleTestSupport.builder().build();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Channel<String> in = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> worker(in, log));
            in.send("a");
            Map<String, Object> roots = new LinkedHashMap<>();
            roots.put("inbox", in);
            roots.put("log", log);
            roots.put("nothing", null);
            b[0] = p.dumps(t, roots);
            t.kill();
        });
        assertThat(Pickler.describe(b[0], null)).contains("root inbox  Channel #", "root log  ArrayList #");
        Stackless.runAsMain(() -> {
            Pickler.Loaded l = p.loadsWithRoots(b[0]);
            assertThat(l.roots().keySet()).containsExactly("inbox", "log", "nothing");
            @SuppressWarnings("unchecked")
            Channel<String> in = l.root("inbox", Channel.class);
            @SuppressWarnings("unchecked")
            List<String> log = l.root("log", List.class);
            assertThat(l.root("nothing", Object.class)).isNull();
            assertThat(l.tasklet().blockedOn()).isSameAs(in);
            assertThat(log).containsExactly("a");
            in.send("b");
            in.send("stop");
            assertThat(log).as("the same list the loaded frames fill").containsExactly("a", "b", "stop");
            assertThat(l.tasklet().isAlive()).isFalse();
            assertThatThrownBy(() -> l.root("inbx", Channel.class)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no root named inbx; the pickle has [inbox, log, nothing]");
            assertThatThrownBy(() -> l.root("log", Channel.class)).isInstanceOf(ClassCastException.class)
                    .hasMessageContaining("root log is a java.util.ArrayList");
        });
    }

    static void waits(Channel<String> ch) throws Suspendable {
        String v = ch.receive(); // not OUT.add(... + receive()): OUT would be saved on the operand stack and copied
        OUT.add("got " + v);
    }

    @Test
    void aChannelGivenAsRootIsPickledAndTheTaskletComesBackBlockedOnIt() throws Exception {
        Pickler p = PickleTestSupport.builder().build();
        byte[][] plain = new byte[1][];
        byte[][] rooted = new byte[1][];
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> waits(ch));
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            plain[0] = p.dumps(t); // the frames no longer hold ch (it is on no live slot): comes back paused
            rooted[0] = p.dumps(t, Map.of("ch", ch));
            t.kill();
        });
        Stackless.runAsMain(() -> {
            // The older pickle first: the replay check refuses an older one after a newer one.
            Pickler.Loaded none = p.loadsWithRoots(plain[0]);
            assertThat(none.roots()).isEmpty();
            assertThat(none.tasklet().isPaused()).isTrue();
            none.tasklet().kill();
            Pickler.Loaded l = p.loadsWithRoots(rooted[0]);
            @SuppressWarnings("unchecked")
            Channel<String> ch = l.root("ch", Channel.class);
            assertThat(l.tasklet().isBlocked()).isTrue();
            assertThat(ch.balance()).isEqualTo(-1);
            ch.send("x"); // default preference: the receiver is scheduled, the sender goes on
            Stackless.run();
            assertThat(OUT).containsExactly("got x");
        });
    }
}
