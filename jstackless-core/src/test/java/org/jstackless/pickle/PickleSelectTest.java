package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.pickle.PickleTestSupport.OUT;

import java.time.Duration;
import java.util.Map;
import org.jstackless.Channel;
import org.jstackless.ChannelClosedException;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Select;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a soft tasklet blocked in a {@link Select} pickles and comes back blocked in the loaded
 * copy of the same select — every case queued on its loaded channel, the send cases offering their
 * values, the handlers and the timeout's remaining time with it — while the original stays as it
 * was. A tasklet woken from a select that has not run since is refused, saying why.
 */
class PickleSelectTest {
    record Item(String name, int n) {
    }

    final Pickler pickler = PickleTestSupport.builder(PickleSelectTest.class, Item.class).build();

    @BeforeEach
    void clear() {
        OUT.clear();
    }

    @SuppressWarnings("unchecked")
    static <T> Channel<T> root(Pickler.Loaded l, String name) {
        return (Channel<T>) l.roots().get(name);
    }

    @Test
    void aReceivingSelectComesBackWaitingOnEveryLoadedChannel() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> a = new Channel<>();
            Channel<String> b = new Channel<>(1);
            Tasklet t = Tasklet.spawn(() -> {
                String got = new Select<String>().onReceive(a, v -> "a:" + v).onReceive(b, v -> "b:" + v).select();
                OUT.add(got); // OUT read after the select: were it on the operand stack, a copy would be pickled
            });
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            Pickler.Loaded l = pickler.loadsWithRoots(pickler.dumps(t, Map.of("a", a, "b", b)));
            Tasklet u = l.tasklet();
            Channel<String> a2 = root(l, "a");
            Channel<String> b2 = root(l, "b");
            assertThat(u.isBlocked()).isTrue();
            assertThat(u.isSoft()).isTrue();
            assertThat(u.blockedOn()).isIn(a2, b2);
            assertThat(a2.balance()).as("a receiver waits on the loaded a").isEqualTo(-1);
            assertThat(b2.balance()).as("and on the loaded b").isEqualTo(-1);
            assertThat(a.balance()).as("the original still waits on the originals").isEqualTo(-1);
            assertThat(b.balance()).isEqualTo(-1);

            b2.send("copy"); // fires the loaded select: its handler runs in the loaded tasklet
            Stackless.run();
            assertThat(OUT).containsExactly("b:copy");
            assertThat(a2.balance()).as("the loaded tasklet left every queue").isZero();
            assertThat(b2.balance()).isZero();
            assertThat(u.isAlive()).isFalse();

            a.send("original");
            Stackless.run();
            assertThat(OUT).containsExactly("b:copy", "a:original");
            assertThat(b.balance()).isZero();
        });
    }

    @Test
    void aSendCaseOffersItsValueAgainAfterLoading() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Item> out = new Channel<>();
            Channel<String> in = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                String got = new Select<String>().onSend(out, new Item("offered", 7), () -> "sent")
                        .onReceive(in, v -> "got " + v).select();
                OUT.add(got);
            });
            Stackless.schedule();
            Pickler.Loaded l = pickler.loadsWithRoots(pickler.dumps(t, Map.of("out", out, "in", in)));
            t.kill();
            assertThat(out.balance()).as("the killed original left its queues").isZero();
            Channel<Item> out2 = root(l, "out");
            assertThat(out2.balance()).as("a sender waits on the loaded channel").isEqualTo(1);
            assertThat(out2.receive()).isEqualTo(new Item("offered", 7));
            Stackless.run();
            assertThat(OUT).containsExactly("sent");
            assertThat(root(l, "in").balance()).isZero();
        });
    }

    @Test
    void theTimeoutIsRearmedWithTheTimeItHadLeft() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> a = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                String got = new Select<String>().onReceive(a, v -> v).timeout(Duration.ofMillis(200), () -> "timed out")
                        .select();
                OUT.add(got);
            });
            Stackless.schedule();
            Pickler.Loaded l = pickler.loadsWithRoots(pickler.dumps(t, Map.of("a", a)));
            t.kill();
            Stackless.run(); // nothing sends: only the loaded timer can wake the loaded tasklet
            assertThat(OUT).containsExactly("timed out");
            assertThat(root(l, "a").balance()).isZero();
        });
    }

    @Test
    void killingTheLoadedTaskletTakesItOutOfEveryQueue() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                String got = new Select<String>().onReceive(a, v -> "a").onReceive(b, v -> "b").select();
                OUT.add(got);
            });
            Stackless.schedule();
            Pickler.Loaded l = pickler.loadsWithRoots(pickler.dumps(t, Map.of("a", a, "b", b)));
            l.tasklet().kill();
            assertThat(l.tasklet().isAlive()).isFalse();
            assertThat(root(l, "a").balance()).isZero();
            assertThat(root(l, "b").balance()).isZero();
            Channel<Integer> a2 = root(l, "a");
            a2.close(); // no selecting tasklet is left to wake
            assertThat(a2.isClosed()).isTrue();
            t.kill();
            assertThat(OUT).isEmpty();
        });
    }

    @Test
    void closingALoadedChannelWakesTheLoadedSelect() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    new Select<String>().onReceive(a, v -> "a").onReceive(b, v -> "b").select();
                } catch (ChannelClosedException e) {
                    OUT.add("closed");
                }
            });
            Stackless.schedule();
            Pickler.Loaded l = pickler.loadsWithRoots(pickler.dumps(t, Map.of("a", a, "b", b)));
            t.kill();
            root(l, "b").close();
            Stackless.run();
            assertThat(OUT).containsExactly("closed");
            assertThat(root(l, "a").balance()).isZero();
        });
    }

    @Test
    void aTaskletWokenFromASelectButNotRunIsRefused() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> a = new Channel<>();
            a.setPreference(0); // the sender does not switch: the selector is woken, not run
            Tasklet t = Tasklet.spawn(() -> OUT.add(new Select<String>().onReceive(a, v -> v).select()));
            Stackless.schedule();
            a.send("x");
            assertThat(t.isBlocked()).isFalse();
            assertThatThrownBy(() -> pickler.dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("woken from a select").hasMessageContaining("once it has run");
            Stackless.run();
            assertThat(OUT).containsExactly("x");
        });
    }

    @Test
    void aTaskletReboundAfterASelectWokeItPicklesAndTheSelectServesAnother() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> a = new Channel<>();
            a.setPreference(0);
            Select<String> sel = new Select<String>().onReceive(a, v -> "got " + v);
            Tasklet t = Tasklet.spawn(() -> OUT.add(sel.select()));
            Stackless.schedule();
            a.send("x"); // woken, not run
            t.remove();
            t.bind(() -> {
                Stackless.schedule();
                OUT.add("rebound ran");
            }); // its frames, and the choice the select made for them, are dropped
            t.setup();
            Stackless.schedule(); // t suspends in schedule(): a plain switch, picklable
            Tasklet u = pickler.loads(pickler.dumps(t));
            t.kill();
            u.insert();
            Tasklet other = Tasklet.spawn(() -> {
                String got = sel.select(); // the select is free again for another tasklet
                OUT.add(got);
            });
            Stackless.schedule();
            a.send("y");
            Stackless.run();
            assertThat(OUT).containsExactly("rebound ran", "got y");
            assertThat(other.isAlive()).isFalse();
        });
    }
}
