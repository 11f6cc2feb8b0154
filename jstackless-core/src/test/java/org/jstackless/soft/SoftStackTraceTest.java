package org.jstackless.soft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.Test;

/**
 * An exception thrown in a soft tasklet after a switch carries the same application frames, in the
 * same order and with the same lines, as the same program run hard: the frames below the
 * re-entered one are added as the exception passes into them.
 */
class SoftStackTraceTest {
    static final class Boom extends RuntimeException {
        Boom() {
            super("boom");
        }
    }

    static int recurs(int level, int depth) throws Suspendable {
        if (level < depth) {
            return recurs(level + 1, depth) + 1;
        }
        Stackless.schedule();
        throw new Boom();
    }

    static int caught(int depth) throws Suspendable {
        try {
            return recurs(1, depth);
        } catch (Boom b) {
            throw new IllegalStateException("wrapped", b);
        }
    }

    /** The trace of what the tasklet's body raised, run soft or hard. */
    private static Throwable run(boolean soft, boolean wrap) throws Exception {
        Throwable[] got = new Throwable[1];
        boolean[] wasSoft = new boolean[1];
        boolean was = Stackless.enableSoftSwitch(soft);
        try {
            Stackless.runAsMain(() -> {
                Tasklet t = Tasklet.spawn(() -> {
                    try {
                        if (wrap) {
                            caught(5);
                        } else {
                            recurs(1, 5);
                        }
                    } catch (RuntimeException e) {
                        got[0] = e;
                    }
                });
                Tasklet.spawn(() -> { }); // so that schedule() switches and the frames are re-entered
                wasSoft[0] = t.isSoft();
                Stackless.run();
            });
        } finally {
            Stackless.enableSoftSwitch(was);
        }
        assertThat(wasSoft[0]).isEqualTo(soft);
        return got[0];
    }

    /** The application's frames: this class's, as class, method, line. */
    private static List<String> appFrames(Throwable t) {
        List<String> l = new ArrayList<>();
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith(SoftStackTraceTest.class.getName())) {
                l.add(e.getClassName() + "." + e.getMethodName() + ":" + e.getLineNumber());
            }
        }
        return l;
    }

    @Test
    void aThrowAfterASwitchFiveFramesDeepReadsLikeTheHardTrace() throws Exception {
        Throwable[] both = {run(false, false), run(true, false)}; // one line: the callers' frames match too
        Throwable hard = both[0];
        Throwable soft = both[1];
        List<String> h = appFrames(hard);
        assertThat(h.stream().filter(s -> s.contains(".recurs:")).count()).isEqualTo(5);
        // Without completion the soft trace would stop at the re-entered frame.
        assertThat(Arrays.stream(soft.getStackTrace()).anyMatch(e -> e.getMethodName().equals("rewind"))).isTrue();
        assertThat(appFrames(soft)).as(Arrays.toString(soft.getStackTrace())).isEqualTo(h);
    }

    @Test
    void aWrappingCatchInASavedFrameGetsTheWholeTraceToo() throws Exception {
        Throwable[] both = {run(false, true), run(true, true)};
        Throwable hard = both[0];
        Throwable soft = both[1];
        assertThat(appFrames(soft)).isEqualTo(appFrames(hard));
        assertThat(appFrames(soft.getCause())).isEqualTo(appFrames(hard.getCause()));
    }
}
