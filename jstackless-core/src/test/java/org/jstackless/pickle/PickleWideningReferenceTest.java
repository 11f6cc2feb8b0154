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
        for (byte[] pickle : pickles) {
            OUT.clear();
            Stackless.runAsMain(() -> {
                Tasklet u = p.loads(pickle);
                u.insert();
                Stackless.run();
            });
            assertThat(OUT).containsExactly("42 9 99 42.0");
        }
    }
}
