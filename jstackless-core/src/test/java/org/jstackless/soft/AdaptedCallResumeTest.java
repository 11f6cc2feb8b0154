package org.jstackless.soft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.Test;

/**
 * A method reference whose LambdaMetafactory adapter widens the result (an {@code int} or
 * {@code Integer} method as a {@code long} interface, a {@code char} one as an {@code int}
 * interface, {@code int} as {@code double}): the adapter has no frame of its own, so a resumed soft
 * tasklet hands the woven call site the callee's own box (an {@code Integer}), which the call site
 * must widen as the adapter would, not cast to {@code Long} (once a ClassCastException the hard
 * run never had). Run soft (this class is woven by the build) and hard; the logs must be equal.
 */
class AdaptedCallResumeTest {
    interface LongOfInt {
        long ap(int x) throws Suspendable;
    }

    interface IntCall {
        int call() throws Suspendable;
    }

    interface DoubleOfInt {
        double ap(int x) throws Suspendable;
    }

    interface FloatCall {
        float call() throws Suspendable;
    }

    static int times3(Channel<Integer> ch, int x) throws Suspendable {
        return x * 3 + ch.receive();
    }

    static Integer boxed(Channel<Integer> ch, int x) throws Suspendable {
        return x - ch.receive();
    }

    static char letter(Channel<Integer> ch) throws Suspendable {
        return (char) ('a' + ch.receive());
    }

    static long big(Channel<Integer> ch) throws Suspendable {
        return (1L << 40) + ch.receive();
    }

    static Channel<Integer> shared;

    static int wide(int x) throws Suspendable {
        return times3(shared, x);
    }

    static Integer boxedWide(int x) throws Suspendable {
        return boxed(shared, x);
    }

    static char letterWide() throws Suspendable {
        return letter(shared);
    }

    static long bigWide() throws Suspendable {
        return big(shared);
    }

    interface LongOfBoxed {
        long ap(Integer x) throws Suspendable;
    }

    static <T> T pick(T v) throws Suspendable {
        return shared.receive() > 0 ? v : null;
    }

    /** The same, serializable: its method reference is not bridged (see below). */
    interface SerLongOfBoxed extends java.io.Serializable {
        long ap(Integer x) throws Suspendable;
    }

    /**
     * {@code <T> T pick(T)} as a {@code long ap(Integer)}: the adapter unboxes an erased Object, and
     * no value an unwinding frame could return satisfies it (null: NullPointerException inside the
     * adapter mid-unwind, which once left the strand ended while still scheduled). The weaver routes
     * the method reference through a woven bridge of the class that does the unboxing itself, so it
     * works soft as hard. A serializable one is not bridged (its SerializedLambda must keep naming
     * pick): the weaver does not accept that adapter, so the soft switch inside is refused at the
     * call, naming the frame; the tasklet catches it and goes on; as a lambda the same call works.
     */
    @Test
    void aGenericMethodReferenceWhoseAdapterUnboxesWorksThroughItsBridge() throws Exception {
        List<String> log = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            shared = ch;
            Tasklet t = Tasklet.spawn(() -> {
                log.add("ref " + ((LongOfBoxed) AdaptedCallResumeTest::pick).ap(6));
                try {
                    log.add("serializable ref " + ((SerLongOfBoxed) AdaptedCallResumeTest::pick).ap(7));
                } catch (IllegalStateException e) {
                    log.add("refused " + e.getMessage());
                }
                log.add("lambda " + ((LongOfBoxed) x -> pick(x)).ap(8));
            });
            log.add("soft " + t.isSoft());
            Stackless.run(); // to the receive() inside pick, through the bridge
            ch.send(1); // the bridged reference returns; the serializable one is refused; blocks in the lambda
            Stackless.run();
            ch.send(1);
            Stackless.run();
            log.add("alive " + t.isAlive());
        });
        assertThat(log).hasSize(5);
        assertThat(log.subList(0, 2)).containsExactly("soft true", "ref 6");
        assertThat(log.get(2)).startsWith("refused a soft tasklet cannot switch here: the frame "
                + AdaptedCallResumeTest.class.getName() + ".lambda$")
                .contains("calls " + AdaptedCallResumeTest.class.getName() + ".pick through a method reference")
                .contains("Write it as a lambda");
        assertThat(log.subList(3, 5)).containsExactly("lambda 8", "alive false");
        boolean was = Stackless.enableSoftSwitch(false);
        try {
            List<String> hard = new ArrayList<>();
            Stackless.runAsMain(() -> {
                Channel<Integer> ch = new Channel<>();
                shared = ch;
                Tasklet t = Tasklet.spawn(() -> {
                    hard.add("ref " + ((LongOfBoxed) AdaptedCallResumeTest::pick).ap(6));
                    hard.add("serializable ref " + ((SerLongOfBoxed) AdaptedCallResumeTest::pick).ap(7));
                });
                Stackless.run(); // blocks inside pick
                ch.send(1);
                Stackless.run();
                ch.send(1);
                Stackless.run();
                hard.add("alive " + t.isAlive());
            });
            assertThat(hard).containsExactly("ref 6", "serializable ref 7", "alive false");
        } finally {
            Stackless.enableSoftSwitch(was);
        }
    }

    @Test
    void aMethodReferenceThatWidensTheResultResumesWithTheHardValue() throws Exception {
        List<String> hard;
        boolean was = Stackless.enableSoftSwitch(false);
        try {
            hard = run();
        } finally {
            Stackless.enableSoftSwitch(was);
        }
        List<String> soft = run();
        assertThat(hard).contains("soft false").doesNotContain("soft true");
        assertThat(soft).contains("soft true");
        assertThat(soft.stream().map(s -> s.replace("soft true", "soft false")).toList()).isEqualTo(hard);
    }

    private static List<String> run() throws Exception {
        List<String> log = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            shared = ch;
            Tasklet t = Tasklet.spawn(() -> {
                log.add("int->long " + ((LongOfInt) AdaptedCallResumeTest::wide).ap(4));
                log.add("Integer->long " + ((LongOfInt) AdaptedCallResumeTest::boxedWide).ap(20));
                log.add("char->int " + ((IntCall) AdaptedCallResumeTest::letterWide).call());
                log.add("int->double " + ((DoubleOfInt) AdaptedCallResumeTest::wide).ap(5));
                log.add("long->float " + ((FloatCall) AdaptedCallResumeTest::bigWide).call());
            });
            log.add("soft " + t.isSoft());
            for (int i = 1; i <= 5; i++) {
                ch.send(i); // the tasklet blocks in receive() inside each method reference's callee
            }
            Stackless.run();
            log.add("alive " + t.isAlive());
        });
        return log;
    }
}
