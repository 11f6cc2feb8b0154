package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jstackless.pickle.PickleTestSupport.OUT;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Method references whose frameless adapter widens the result (an {@code int}, {@code Integer} or
 * {@code char} method as a {@code long} or {@code double} interface): a tasklet suspended inside the
 * callee pickles, loads (the load check accepts the widening the call site performs) and resumes
 * with the values a hard run gets.
 */
class PickleWideningReferenceTest {
    interface LongJob extends java.io.Serializable {
        long call() throws Suspendable;
    }

    interface DoubleJob extends java.io.Serializable {
        double call() throws Suspendable;
    }

    /** Not serializable: its converting method references go through woven bridges of this class. */
    interface LongCall {
        long call() throws Suspendable;
    }

    interface IntCall {
        int call() throws Suspendable;
    }

    interface LongOfBoxed {
        long ap(Integer x) throws Suspendable;
    }

    static <T> T pick(T v) throws Suspendable {
        Stackless.schedule();
        return v;
    }

    static int count() throws Suspendable {
        Stackless.schedule();
        return 42;
    }

    static Integer boxed() throws Suspendable {
        Stackless.schedule();
        return 9;
    }

    static char letter() throws Suspendable {
        Stackless.schedule();
        return 'c';
    }

    @BeforeEach
    void clear() {
        OUT.clear();
    }

    @Test
    void aWideningMethodReferencePicklesAndResumes() throws Exception {
        Pickler p = PickleTestSupport.builder(Long.class).acceptReplays().build();
        List<byte[]> pickles = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> {
                long a = ((LongJob) PickleWideningReferenceTest::count).call();  // int -> long
                long b = ((LongJob) PickleWideningReferenceTest::boxed).call();  // Integer -> long
                long c = ((LongJob) PickleWideningReferenceTest::letter).call(); // char -> long
                double d = ((DoubleJob) PickleWideningReferenceTest::count).call(); // int -> double
                OUT.add(a + " " + b + " " + c + " " + d);
            });
            for (int i = 0; i < 4; i++) {
                t.run(); // to the next schedule() inside count, boxed, letter, count
                pickles.add(p.dumps(t));
            }
            t.run();
        });
        assertThat(OUT).as("in-process, soft").containsExactly("42 9 99 42.0");
        loadEach(p, pickles, "42 9 99 42.0");
    }

    /**
     * The same through method references the weaver bridges (not serializable): the tasklet is
     * suspended under a bridge frame (lambda$jsl$...), which pickles and loads like any woven frame,
     * including the generic {@code <T> T pick(T)} as {@code long ap(Integer)} (refused soft before
     * bridges).
     */
    @Test
    void aBridgedMethodReferencePicklesAndResumes() throws Exception {
        Pickler p = PickleTestSupport.builder(Long.class).acceptReplays().build();
        List<byte[]> pickles = new ArrayList<>();
        List<String> stacks = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> {
                long a = ((LongCall) PickleWideningReferenceTest::count).call(); // int -> long
                long b = ((LongCall) PickleWideningReferenceTest::boxed).call(); // Integer -> long
                int c = ((IntCall) PickleWideningReferenceTest::boxed).call();   // Integer -> int
                long d = ((LongOfBoxed) PickleWideningReferenceTest::pick).ap(5); // Object -> long
                OUT.add(a + " " + b + " " + c + " " + d);
            });
            for (int i = 0; i < 4; i++) {
                t.run(); // to the next schedule() inside count, boxed, boxed, pick
                pickles.add(p.dumps(t));
                stacks.add(java.util.Arrays.toString(t.suspendedStackTrace()));
            }
            t.run();
        });
        assertThat(OUT).as("in-process, soft").containsExactly("42 9 9 5");
        assertThat(stacks).allMatch(s -> s.contains("lambda$jsl$"), "a bridge frame is saved under each callee");
        loadEach(p, pickles, "42 9 9 5");
    }

    private static void loadEach(Pickler p, List<byte[]> pickles, String expected) throws Exception {
        for (byte[] pickle : pickles) {
            OUT.clear();
            Stackless.runAsMain(() -> {
                Tasklet u = p.loads(pickle);
                u.insert();
                Stackless.run();
            });
            assertThat(OUT).containsExactly(expected);
        }
    }
}
