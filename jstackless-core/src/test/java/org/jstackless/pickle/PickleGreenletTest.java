package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jstackless.Channel;
import org.jstackless.Greenlet;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.Test;

/**
 * Greenlets in pickles: a suspended soft greenlet reachable from a pickled tasklet's frames is
 * pickled with its own frames, parent and mailbox, and comes back suspended in the loading thread's
 * greenlet group (the pickled main greenlet stands for the loading thread's main greenlet), so the
 * loaded tasklet can switch into it and get its result.
 */
class PickleGreenletTest {
    static final List<String> OUT = new ArrayList<>();

    static Object greenletBody(Greenlet main, int n) throws Suspendable {
        int local = n * 3;
        Object x = main.switchTo("ready:" + n);
        return "done " + (local + (Integer) x);
    }

    static void job(Channel<Object> ch) throws Suspendable {
        Greenlet main = Greenlet.current();
        Greenlet g = new Greenlet(args -> greenletBody(main, (Integer) args[0]));
        Object first = g.switchTo(10); // g runs up to its switch back: "ready:10"
        OUT.add("first " + first);
        Object v = ch.receive(); // pickled here, g suspended inside its own switch
        Object second = g.switchTo((Integer) v); // g resumes: 30 + v
        OUT.add("second " + second);
        OUT.add("dead " + g.isDead());
    }

    static Pickler pickler() {
        return PickleTestSupport.builder(PickleGreenletTest.class).build();
    }

    static byte[] dumpSuspendedInReceive() throws Exception {
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> job(ch));
            Stackless.schedule();
            assertThat(t.isSoft()).isTrue();
            b[0] = pickler().dumps(t);
            t.kill();
        });
        return b[0];
    }

    @Test
    void aSuspendedGreenletHeldByTheTaskletRoundTrips() throws Exception {
        OUT.clear();
        byte[] b = dumpSuspendedInReceive();
        assertThat(OUT).containsExactly("first ready:10");
        assertThat(Pickler.describe(b, PickleTestSupport.KEY)).contains("greenlet #1 (suspended, 6 frames, parent #2), innermost first",
                "at org.jstackless.pickle.PickleGreenletTest.greenletBody(PickleGreenletTest.java:");
        OUT.clear();
        Stackless.runAsMain(() -> {
            Tasklet u = pickler().loads(b);
            u.setTempval(5); // what the interrupted receive() returns
            u.run();
            assertThat(u.isAlive()).isFalse();
        });
        assertThat(OUT).containsExactly("second done 35", "dead true");
    }

    @Test
    void itLoadsIntoAnotherThreadsGreenletGroup() throws Exception {
        byte[] b = dumpSuspendedInReceive();
        OUT.clear();
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread th = new Thread(() -> {
            try {
                Stackless.runAsMain(() -> {
                    Tasklet u = pickler().loads(b);
                    u.setTempval(7);
                    u.run();
                });
            } catch (Throwable e) {
                err.set(e);
            }
        });
        th.start();
        th.join();
        assertThat(err.get()).isNull();
        assertThat(OUT).containsExactly("second done 37", "dead true");
    }

    static void holdsUnstarted(Channel<Object> ch) throws Suspendable {
        Greenlet g = new Greenlet(args -> "ran with " + args.length + " args");
        ch.receive();
        OUT.add(String.valueOf(g.switchTo(1, 2)));
        OUT.add("dead " + g.isDead());
    }

    @Test
    void anUnstartedGreenletComesBackWithItsRunFunction() throws Exception {
        OUT.clear();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> holdsUnstarted(ch));
            Stackless.schedule();
            b[0] = pickler().dumps(t);
            t.kill();
        });
        assertThat(Pickler.describe(b[0], PickleTestSupport.KEY)).contains("(not started, parent #");
        Stackless.runAsMain(() -> pickler().loads(b[0]).run());
        assertThat(OUT).containsExactly("ran with 2 args", "dead true");
    }

    static final class Sub extends Greenlet {
        @Override
        protected Object run(Object... args) throws Suspendable {
            return Greenlet.mainGreenlet().switchTo("sub");
        }
    }

    static Object toMain(Object... args) throws Suspendable {
        return Greenlet.mainGreenlet().switchTo("back");
    }

    /** Starts {@code g}, which switches straight back, then blocks in receive holding it. */
    static void holdsStarted(Greenlet g, Channel<Object> ch) throws Suspendable {
        g.switchTo();
        ch.receive();
        OUT.add(String.valueOf(g.isDead()));
    }

    @Test
    void hardAndSubclassedGreenletsAreRefusedSayingWhy() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> holdsStarted(new Sub(), ch));
            Stackless.schedule();
            assertThatThrownBy(() -> pickler().dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("only Greenlet itself pickles, not a subclass");
            t.kill();
        });
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            boolean old = Stackless.enableSoftSwitch(false);
            Greenlet[] g = new Greenlet[1];
            Tasklet t;
            try {
                // The tasklet is made soft, the greenlet starts while soft switching is off: hard.
                Stackless.enableSoftSwitch(true);
                t = Tasklet.spawn(() -> {
                    Stackless.enableSoftSwitch(false);
                    g[0] = new Greenlet(PickleGreenletTest::toMain);
                    holdsStarted(g[0], ch);
                });
                Stackless.schedule();
            } finally {
                Stackless.enableSoftSwitch(old);
            }
            assertThat(t.isSoft()).isTrue();
            assertThatThrownBy(() -> pickler().dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("it is hard");
            t.kill();
        });
    }

    static Object receivesInside(Channel<Object> ch) throws Suspendable {
        return ch.receive();
    }

    @Test
    void aTaskletSuspendedInsideAGreenletIsRefused() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Object> ch = new Channel<>();
            Tasklet t = Tasklet.spawn(() -> new Greenlet(args -> receivesInside(ch)).switchTo());
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            assertThatThrownBy(() -> pickler().dumps(t)).isInstanceOf(NotPicklableException.class)
                    .hasMessageContaining("suspended inside a greenlet");
            ch.send("done"); // the greenlet returns, the tasklet ends
            assertThat(t.isAlive()).isFalse();
        });
    }
}
