package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.pickle.PickleTestSupport.OUT;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.Channel;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Round trips from each place a soft tasklet can be suspended, and the refusals. */
class PickleStatesTest {
    enum Color { RED, GREEN }

    record Point(int x, long y, String label, Color c) {
    }

    record Node(String name, List<Object> children) {
    }

    @FunctionalInterface
    interface Fn extends Serializable {
        int apply(int x);
    }

    static final class NotAllowed {
    }

    final Pickler pickler = PickleTestSupport.builder(PickleStatesTest.class, Point.class, Color.class, Node.class).build();

    @BeforeEach
    void clear() {
        OUT.clear();
    }

    @Test
    void blockedReceiverComesBackBlockedOnTheCopiedChannel() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                String v = ch.receive();
                OUT.add("got " + v + " on " + (ch.balance()));
            });
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            byte[] b = pickler.dumps(t);
            Tasklet u = pickler.loads(b);
            assertThat(u.isBlocked()).isTrue();
            assertThat(u.isScheduled()).isTrue();
            @SuppressWarnings("unchecked")
            Channel<String> copy = (Channel<String>) u.blockedOn();
            assertThat(copy).isNotNull().isNotSameAs(ch);
            assertThat(copy.balance()).isEqualTo(-1);
            assertThat(copy.queue()).isSameAs(u);
            assertThat(ch.balance()).isEqualTo(-1); // the original is untouched
            copy.send("x");
            assertThat(copy.balance()).isZero();
            ch.send("y");
        });
        assertThat(OUT).containsExactly("got x on 0", "got y on 0");
    }

    /**
     * Other tasklets waiting on a pickled channel are not part of the pickle (only the pickled
     * tasklet and what its frames reach are): the copied channel's queue holds the loaded tasklet
     * alone, whatever waited beside it on the original.
     */
    @Test
    void otherTaskletsWaitingOnThePickledChannelAreNotIncluded() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                String v = ch.receive();
                OUT.add("t got " + v + " on " + (ch.balance()));
            });
            Tasklet other = Tasklet.spawn(() -> OUT.add("other got " + ch.receive()));
            Stackless.schedule();
            assertThat(ch.balance()).isEqualTo(-2);
            Tasklet u = pickler.loads(pickler.dumps(t));
            @SuppressWarnings("unchecked")
            Channel<String> copy = (Channel<String>) u.blockedOn();
            assertThat(copy.balance()).isEqualTo(-1);
            assertThat(copy.queue()).isSameAs(u);
            copy.send("x");
            ch.send("y");
            ch.send("z");
            assertThat(other.isAlive()).isFalse();
        });
        assertThat(OUT).containsExactly("t got x on 0", "t got y on -1", "other got z");
    }

    @Test
    void blockedSenderKeepsItsValueInFlight() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Point> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> {
                ch.send(new Point(1, 1L << 40, "p", Color.GREEN));
                OUT.add("sent, balance " + ch.balance());
            });
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            Tasklet u = pickler.loads(pickler.dumps(t));
            t.kill();
            @SuppressWarnings("unchecked")
            Channel<Point> copy = (Channel<Point>) u.blockedOn();
            assertThat(copy.balance()).isEqualTo(1);
            assertThat(copy.receive()).isEqualTo(new Point(1, 1L << 40, "p", Color.GREEN));
            Stackless.run();
        });
        assertThat(OUT).containsExactly("sent, balance 0");
    }

    @Test
    void blockedOnAChannelThatIsNotPickledComesBackPaused() throws Exception {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> {
                String v = staticReceive();
                OUT.add("got " + v);
            });
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            Tasklet u = PickleTestSupport.builder(PickleStatesTest.class).build().loads(
                    PickleTestSupport.builder(PickleStatesTest.class).build().dumps(t));
            assertThat(u.isPaused()).isTrue();
            assertThat(u.blockedOn()).isNull();
            assertThat(STATIC.balance()).isEqualTo(-1); // only the original waits there
            u.run();
            t.kill();
        });
        assertThat(STATIC.balance()).isZero();
        assertThat(OUT).containsExactly("got null");
    }

    static final Channel<String> STATIC = new Channel<>();

    static String staticReceive() throws Suspendable {
        return STATIC.receive();
    }

    static void locals(int i, long l, float f, double d, boolean z, char c, short s, byte by) throws Suspendable {
        long big = l * 3;
        double half = d / 2;
        try {
            OUT.add("in try");
            Stackless.schedule();
            OUT.add("after " + i + " " + l + " " + f + " " + d + " " + z + " " + c + " " + s + " " + by + " " + big + " " + half);
        } finally {
            OUT.add("finally " + (big - l));
        }
    }

    @Test
    void primitivesOfEveryTypeAndTryFinally() throws Exception {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> locals(-7, Long.MIN_VALUE / 4, 1.5f, -0.1, true, 'é', (short) -300, (byte) 7));
            t.run();
            t.remove();
            Tasklet u = pickler.loads(pickler.dumps(t));
            u.run();
        });
        String after = "after -7 " + (Long.MIN_VALUE / 4) + " 1.5 -0.1 true é -300 7 " + (Long.MIN_VALUE / 4 * 3) + " -0.05";
        assertThat(OUT).containsExactly("in try", after, "finally " + (Long.MIN_VALUE / 4 * 2));
    }

    static void objects(Fn fn, Map<String, Object> m, Node tree, int[] arr, Object[] mixed) throws Suspendable {
        Stackless.schedule();
        OUT.add(fn.apply(10) + " " + m + " " + tree.name() + " " + tree.children().size() + " "
                + (tree.children().get(0) == tree) + " " + arr.length + " " + arr[2] + " " + mixed[0] + " "
                + (mixed[1] == m));
    }

    @Test
    void lambdasRecordsMapsArraysCyclesAndSharing() throws Exception {
        Stackless.runAsMain(() -> {
            int k = 32;
            Fn fn = x -> x + k;
            Map<String, Object> m = new HashMap<>();
            m.put("p", new Point(3, 4, "q", Color.RED));
            m.put("l", new ArrayList<>(List.of(1, 2.5, "s", 'c', true)));
            Node tree = new Node("root", new ArrayList<>());
            tree.children().add(tree); // a cycle through a record
            Object[] mixed = {"first", m};
            Tasklet t = Tasklet.spawn(() -> objects(fn, m, tree, new int[] {1, 2, 3}, mixed));
            t.run();
            t.remove();
            Tasklet u = pickler.loads(pickler.dumps(t));
            u.run();
        });
        assertThat(OUT).containsExactly("42 {p=Point[x=3, y=4, label=q, c=RED], l=[1, 2.5, s, c, true]} root 1 true 3 3 first true");
    }

    static int deep(int n) throws Suspendable {
        if (n == 0) {
            Stackless.schedule();
            return 0;
        }
        return deep(n - 1) + 1;
    }

    static int deepResult;

    @Test
    void recursionDepthTenThousand() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> error = new java.util.concurrent.atomic.AtomicReference<>();
        deepResult = -1;
        Thread th = new Thread(null, () -> {
            try {
                Stackless.runAsMain(() -> {
                    Tasklet t = Tasklet.spawn(() -> deepResult = deep(10_000));
                    t.run();
                    t.remove();
                    byte[] b = pickler.dumps(t);
                    OUT.add("bytes " + b.length);
                    Tasklet u = pickler.loads(b);
                    assertThat(u.recursionDepth()).isEqualTo(10_002);
                    u.run();
                });
            } catch (Throwable e) {
                error.set(e);
            }
        }, "deep", 512L << 20);
        th.start();
        th.join();
        assertThat(error.get()).isNull();
        assertThat(deepResult).isEqualTo(10_000);
        assertThat(OUT).hasSize(1);
    }

    @Test
    void notStartedTaskletsPickleTheirBody() throws Exception {
        Stackless.runAsMain(() -> {
            String greeting = "hello";
            Tasklet t = Tasklet.spawn(() -> OUT.add(greeting + " from the body"));
            t.remove();
            Tasklet u = pickler.loads(pickler.dumps(t));
            assertThat(u.isAlive()).isTrue();
            assertThat(u.isPaused()).isTrue();
            u.run();
            Tasklet bound = new Tasklet(() -> OUT.add("bound " + greeting));
            Tasklet v = pickler.loads(pickler.dumps(bound));
            assertThat(v.isAlive()).isFalse();
            v.setup();
            Stackless.run();
        });
        assertThat(OUT).containsExactly("hello from the body", "bound hello");
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void theCurrentTaskletIsRefused() throws Exception {
        List<Throwable> errors = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Tasklet.spawn(() -> {
                try {
                    pickler.dumps(Stackless.current());
                } catch (NotPicklableException e) {
                    errors.add(e);
                }
            });
            Stackless.run();
            assertThatThrownBy(() -> pickler.dumps(Stackless.current())).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("main");
        });
        assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("You cannot pickle the tasklet which is current");
    }

    @Test
    void hardTaskletsAreRefused() throws Exception {
        Stackless.runAsMain(() -> {
            boolean old = Stackless.enableSoftSwitch(false);
            try {
                Tasklet t = Tasklet.spawn(() -> Stackless.schedule());
                t.run();
                assertThat(t.isSoft()).isFalse();
                assertThatThrownBy(() -> pickler.dumps(t)).isInstanceOf(NotPicklableException.class)
                        .hasMessageContaining("is hard");
                t.kill();
            } finally {
                Stackless.enableSoftSwitch(old);
            }
        });
    }

    static void holds(Object o) throws Suspendable {
        Stackless.schedule();
        OUT.add(String.valueOf(o));
    }

    @Test
    void aLocalOfAClassThatIsNotAllowedIsNamedWithItsFrame() throws Exception {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> holds(new NotAllowed()));
            t.run();
            assertThatThrownBy(() -> pickler.dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining(NotAllowed.class.getName())
                    .hasMessageContaining("PickleStatesTest.holds(PickleStatesTest.java:")
                    .hasMessageContaining("allow(NotAllowed.class)");
            // Code needs no allow-listing, but a code restriction that leaves the frame's class out refuses it.
            Pickler codeElsewhere = PickleTestSupport.builder(Point.class, NotAllowed.class).restrictCode("app.other")
                    .build();
            assertThatThrownBy(() -> codeElsewhere.dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("code of class " + PickleStatesTest.class.getName()
                            + " is outside this pickler's code restriction [app.other]");
            t.kill();
        });
    }

    @Test
    void wrongKeyTruncationAndLoadingIntoAnotherAllowListAreRefused() throws Exception {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> holds(new Point(1, 2, "x", Color.RED)));
            t.run();
            byte[] b = pickler.dumps(t);
            Pickler otherKey = Pickler.builder().signingKey("another key of 16+ bytes".getBytes())
                    .allow(PickleStatesTest.class, Point.class, Color.class).build();
            assertThatThrownBy(() -> otherKey.loads(b)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("signature");
            assertThatThrownBy(() -> pickler.loads(java.util.Arrays.copyOf(b, b.length - 1)))
                    .isInstanceOf(NotPicklableException.class).hasMessageContaining("truncated");
            Pickler noRecord = PickleTestSupport.builder(PickleStatesTest.class, Color.class).build();
            assertThatThrownBy(() -> noRecord.loads(b)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining(Point.class.getName()).hasMessageContaining("not allowed");
            t.kill();
        });
    }
}
