package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.ChannelCallback;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.testing.SwitchingTest;

/**
 * Port of Stackless Python's {@code Stackless/unittests/test_chan_cb.py} (spec §2.7: the channel callback
 * is called before the action, with the value being sent already in the tasklet's tempval).
 */
class ChannelCallbackTest {

    // test_chan_cb.py ChannelCallbackTestCase.test0: callback arguments, order and tempval
    @SwitchingTest
    void testChannelCallback() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> calls = new ArrayList<>();
            Channel<Integer> ch = new Channel<>();
            Tasklet main = Stackless.current();
            Tasklet[] rcv = new Tasklet[1];
            ChannelCallback cb = (c, t, sending, willBlock) -> {
                String who = t == main ? "main" : t == rcv[0] ? "receiver" : "?";
                calls.add((c == ch ? "ch " : "other ") + who + (sending ? " send" : " receive")
                        + " willBlock=" + willBlock + " tempval=" + t.tempval());
            };
            rcv[0] = Tasklet.spawn(() -> {
                for (int i = 0; i < 2; i++) {
                    calls.add("got " + ch.receive());
                }
            });
            assertThat(Stackless.setChannelCallback(cb)).isNull();
            try {
                ch.send(1);   // nobody waits: main blocks, the receiver takes the value
                ch.send(2);   // the receiver waits
            } finally {
                assertThat(Stackless.setChannelCallback(null)).isSameAs(cb);
            }
            assertThat(calls).containsExactly(
                    "ch main send willBlock=true tempval=1",
                    "ch receiver receive willBlock=false tempval=null",
                    "got 1",
                    "ch receiver receive willBlock=true tempval=null",
                    "ch main send willBlock=false tempval=2",
                    "got 2");
        });
    }

    // test_chan_cb.py: no callback once it is removed; set returns previous
    @SwitchingTest
    void testChannelCallbackRemoved() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> calls = new ArrayList<>();
            ChannelCallback cb = (c, t, s, w) -> calls.add("cb");
            Stackless.setChannelCallback(cb);
            assertThat(Stackless.setChannelCallback(null)).isSameAs(cb);
            Channel<Integer> ch = new Channel<>();
            Tasklet.spawn(() -> ch.send(1));
            assertThat(ch.receive()).isEqualTo(1);
            assertThat(calls).isEmpty();
        });
    }

    // test_chan_cb.py, blocked path: the callback sees sendException's bomb direction as a send
    @SwitchingTest
    void testChannelCallbackOnSendException() throws Throwable {
        Stackless.runAsMain(() -> {
            List<String> calls = new ArrayList<>();
            Channel<Integer> ch = new Channel<>();
            Tasklet r = Tasklet.spawn(() -> {
                try {
                    ch.receive();
                } catch (ArithmeticException e) {
                    calls.add("receiver caught");
                }
            });
            r.run();
            Stackless.setChannelCallback((c, t, sending, willBlock) ->
                    calls.add((sending ? "send" : "receive") + " willBlock=" + willBlock));
            try {
                ch.sendException(new ArithmeticException());
            } finally {
                Stackless.setChannelCallback(null);
            }
            assertThat(calls).containsExactly("send willBlock=false", "receiver caught");
        });
    }

    // test_defects.py TestExceptionInScheduleCallback, for the channel callback: an exception from the callback
    // goes to the thread's uncaught-exception handler (DESIGN §4) and the channel operation itself proceeds.
    // (A channel operation inside the callback cannot compile: ChannelCallback does not declare Suspendable.)
    @SwitchingTest
    void testExceptionInChannelCallback() throws Throwable {
        Thread me = Thread.currentThread();
        Thread.UncaughtExceptionHandler oldHandler = me.getUncaughtExceptionHandler();
        List<String> reported = new ArrayList<>();
        me.setUncaughtExceptionHandler((th, e) -> reported.add(e.getClass().getSimpleName() + ": " + e.getMessage()));
        try {
            Stackless.runAsMain(() -> {
                Channel<Integer> ch = new Channel<>();
                List<String> ev = new ArrayList<>();
                Tasklet.spawn(() -> ev.add("got " + ch.receive()));
                Stackless.run();
                Stackless.setChannelCallback((c, t, sending, willBlock) -> {
                    if (sending) {
                        throw new IllegalStateException("channelCallback");
                    }
                });
                try {
                    ch.send(1);
                } finally {
                    Stackless.setChannelCallback(null);
                }
                assertThat(ev).containsExactly("got 1");
                assertThat(ch.balance()).isZero();
            });
        } finally {
            me.setUncaughtExceptionHandler(oldHandler);
        }
        assertThat(reported).containsExactly("IllegalStateException: channelCallback");
    }

    // test_defects.py TestExceptionInScheduleCallback, channel callback raised during a worker tasklet's
    // operation: it still goes to the scheduler thread's uncaught-exception handler (DESIGN §4)
    @SwitchingTest
    void testExceptionInChannelCallbackOnWorker() throws Throwable {
        Thread me = Thread.currentThread();
        Thread.UncaughtExceptionHandler oldHandler = me.getUncaughtExceptionHandler();
        List<String> reported = new ArrayList<>();
        me.setUncaughtExceptionHandler((th, e) -> reported.add(e.getMessage()));
        try {
            Stackless.runAsMain(() -> {
                Channel<Integer> ch = new Channel<>();
                List<String> ev = new ArrayList<>();
                Stackless.setChannelCallback((c, t, sending, willBlock) -> {
                    if (!t.isMain()) {
                        throw new IllegalStateException("worker callback");
                    }
                });
                try {
                    Tasklet.spawn(() -> ch.send(5));
                    ev.add("got " + ch.receive());
                } finally {
                    Stackless.setChannelCallback(null);
                }
                assertThat(ev).containsExactly("got 5");
            });
        } finally {
            me.setUncaughtExceptionHandler(oldHandler);
        }
        assertThat(reported).containsExactly("worker callback");
    }
}
