package org.jstackless.internal.soft;

import org.jstackless.internal.soft.runtime.SoftStrand;
import org.jstackless.internal.soft.runtime.Ticks;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.Suspendable;
import org.jstackless.TaskletBody;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Resumption;
import org.jstackless.internal.switching.Strand;
import org.jstackless.internal.switching.StrandEntry;

/**
 * A tiny round-robin scheduler over soft strands, driving them through a {@link Carrier} exactly as
 * the real scheduler does, so the weaver and the soft runtime can be tested without tasklets.
 * {@link #pause()} is the suspending primitive: outside a strand it just returns its value.
 */
public final class TestSched {
    /** The value every pause returns, plain or resumed. */
    public static final Integer PAUSED = 7;
    private static final Resumption K = () -> PAUSED;
    private static final Resumption BOMB = () -> {
        throw new IllegalStateException("bomb");
    };
    private static TestSched current;

    private final ArrayDeque<Strand> queue = new ArrayDeque<>();
    private final List<SoftStrand> strands = new ArrayList<>();
    /** Outcome of the i-th strand. */
    private final List<Outcome> outcomes = new ArrayList<>();

    /** The i-th strand of the running {@link #run}. */
    public static SoftStrand strand(int i) {
        return current.strands.get(i);
    }
    /** Number of switches performed. */
    public long switches;

    /** Outcome of one body: its Throwable, or the value it stored with {@link #result}. */
    public static final class Outcome {
        public Object value;
        public Throwable error;
        public boolean ended;
        /**
         * The message of the documented refusal this body met (see {@link #noteRefusal}), or null:
         * the program may have caught it or replaced it (a {@code finally} that throws), so the
         * outcome alone does not tell.
         */
        public String refusal;

        @Override
        public String toString() {
            return error != null ? "threw " + error : "returned " + value;
        }
    }

    /** Suspends the running strand and lets the next one run; returns {@link #PAUSED}. */
    public static Object pause() throws Suspendable {
        return pauseWith(K);
    }

    /** Like {@link #pause()}, but the resumption throws {@code IllegalStateException("bomb")}. */
    public static Object pauseBomb() throws Suspendable {
        return pauseWith(BOMB);
    }

    /**
     * For a test's {@link Ticks.Handler}: switches the running strand away as
     * {@link #pause()} would (its tick point resumes with {@link #PAUSED}, or with the bomb if
     * {@code bomb}); returns false, doing nothing, outside a strand of a running scheduler.
     */
    public static boolean preempt(boolean bomb) {
        Carrier c = Carrier.current();
        if (c.running() == null || current == null) {
            return false;
        }
        pauseWith(bomb ? BOMB : K);
        return true;
    }

    private static Object pauseWith(Resumption k) {
        Carrier c = Carrier.current();
        Strand me = c.running();
        TestSched s = current;
        if (me == null || s == null) {
            return k.resumed();
        }
        SoftContext.checkUnwind(); // a switching primitive refuses before it changes anything
        s.switches++;
        s.queue.addLast(me);
        return c.switchTo(s.queue.pollFirst(), k);
    }

    /**
     * Records that the running strand met a refused switch (message {@code m}) in its
     * {@link Outcome#refusal}; does nothing outside a strand of a running scheduler.
     */
    public static void noteRefusal(String m) {
        Strand me = Carrier.current().running();
        TestSched s = current;
        if (me == null || s == null) {
            return;
        }
        int i = s.strands.indexOf(me);
        if (i >= 0 && s.outcomes.get(i).refusal == null) {
            s.outcomes.get(i).refusal = m;
        }
    }

    /** Set by a differential test around a plain run that simulates the refusal; see {@link #refusing}. */
    static boolean simulateRefusal;

    /**
     * Whether a generated program's {@code eachPause} should refuse as a soft strand does (its
     * switch inside {@code forEach}): true only inside a plain run that simulates the refusal.
     */
    public static boolean refusing() {
        return simulateRefusal;
    }

    /** Runs every body on its own soft strand, round robin, and returns their outcomes. */
    public static List<Outcome> run(List<TaskletBody> bodies) {
        TestSched s = new TestSched();
        TestSched prev = current;
        current = s;
        try {
            return s.runAll(bodies);
        } finally {
            current = prev;
        }
    }

    /** The last scheduler run's switch count. */
    private List<Outcome> runAll(List<TaskletBody> bodies) {
        Carrier c = Carrier.current();
        List<Outcome> out = new ArrayList<>();
        for (TaskletBody b : bodies) {
            Outcome o = new Outcome();
            out.add(o);
            outcomes.add(o);
            SoftStrand st = new SoftStrand(b, new StrandEntry() {
                @Override
                public void begin() {
                }

                @Override
                public void runBody(Object body) throws Throwable {
                    ((TaskletBody) body).run(); // not called: a soft strand enters its body itself
                }

                @Override
                public void end(Throwable error) {
                    o.error = error;
                    o.ended = true;
                    c.setNext(queue.pollFirst());
                }
            });
            strands.add(st);
            queue.add(st);
        }
        c.switchTo(queue.pollFirst(), () -> null);
        lastSwitches = switches;
        return out;
    }

    /** Switches of the most recent {@link #run}. */
    public static long lastSwitches;
}
