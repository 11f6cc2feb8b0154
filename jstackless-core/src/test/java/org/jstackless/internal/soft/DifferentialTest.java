package org.jstackless.internal.soft;

import org.jstackless.internal.soft.runtime.Ticks;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.TaskletBody;
import org.junit.jupiter.api.Test;
import org.jstackless.testing.WeavingLoader;

/**
 * Differential testing of the weaver: generated programs ({@link ProgramGenerator}) run plain
 * (unwoven), woven but outside any soft strand (hard-mode compatibility), and woven on soft strands
 * that suspend at every suspension point and are resumed after the other strands ran, and once more
 * so with preemption: small random tick budgets whose expiry switches to another strand at random
 * (tick points at method entries and loop back-edges); the results and exceptions must be
 * identical. The base seed is random unless {@code -Djsl.diff.seed=N}; it
 * is printed on failure, with the failing program's source.
 */
class DifferentialTest {
    static final int PROGRAMS = Integer.getInteger("jsl.diff.programs", 1000);
    static final int BATCH = 100;
    static final int STRANDS = 3;

    @Test
    void wovenProgramsBehaveLikePlainOnes() throws Exception {
        long base = Long.getLong("jsl.diff.seed", new java.util.Random().nextLong());
        compare(base, 0, PROGRAMS, true);
    }

    /**
     * Regression: in this program (base seed -8472100450308619069, program 760) the strand of arg 1
     * meets the documented refusal inside {@code eachPause}, and the {@code Refused} error passes
     * through a {@code finally} of {@code m0} that throws the program's own
     * {@code IllegalArgumentException("t1")}, replacing it as Java does. That is the refusal, not a
     * divergence: the comparison must know the strand was refused even when the outcome hides it,
     * and compares it with a plain run that refuses at the same place (which throws the same).
     */
    @Test
    void aRefusalReplacedByAFinallyIsStillARefusal() throws Exception {
        long[] counts = compare(-8472100450308619069L, 760, 1, false);
        assertThat(counts[1]).as("strands refused").isEqualTo(2 * STRANDS);
    }

    /**
     * Compares programs {@code first .. first + count - 1} of base seed {@code base} (program i has
     * seed {@code base + i}), generated with or without {@code adapted} shapes (without only to
     * regenerate a program found before they existed); returns {switches, strands refused a switch
     * inside a JDK callback}.
     */
    private static long[] compare(long base, int first, int count, boolean adapted) throws Exception {
        long switches = 0;
        List<String> tooLarge = new ArrayList<>();
        long[] preemptions = {0};
        long[] refused = {0};
        int end = first + count;
        for (int b = first; b < end; b += BATCH) {
            Map<String, String> sources = new LinkedHashMap<>();
            for (int i = b; i < Math.min(end, b + BATCH); i++) {
                sources.put("t.P" + i, new ProgramGenerator(base + i, adapted).generate("P" + i));
            }
            Map<String, byte[]> plain = WeavingLoader.compile(sources);
            Map<String, byte[]> woven = null;
            while (woven == null) {
                try {
                    woven = WeavingLoader.weave(plain);
                } catch (Exception e) {
                    // A generated method may outgrow the JVM's 64 KB code limit once every suspension
                    // point saves its live values: the weaver refuses it by name, which is the
                    // behaviour wanted; the program leaves the comparison. Anything else fails.
                    String p = tooLarge(e);
                    if (p == null || !sources.containsKey(p)) {
                        throw new AssertionError("base seed " + base + ": weaving failed: " + e.getMessage(), e);
                    }
                    tooLarge.add(p);
                    sources.remove(p);
                    plain.keySet().removeIf(k -> k.equals(p) || k.startsWith(p + "$"));
                }
            }
            for (Map.Entry<String, byte[]> e : woven.entrySet()) {
                List<String> errs = WeavingLoader.verify(e.getValue(), woven);
                if (!errs.isEmpty()) {
                    String p = e.getKey().replaceAll("\\$.*", "");
                    throw new AssertionError("base seed " + base + ", program " + p + ": " + e.getKey()
                            + " fails verification: " + errs + "\n" + sources.get(p));
                }
            }
            ClassLoader pl = WeavingLoader.load(plain);
            ClassLoader wl = WeavingLoader.load(woven);
            for (String name : sources.keySet()) {
                List<String> expected = new ArrayList<>();
                for (int arg = 0; arg < STRANDS; arg++) {
                    expected.add(call(pl, name, arg));
                }
                String context = "base seed " + base + ", program " + name + " (seed " + (base + Integer.parseInt(name.substring(3))) + ")\n" + sources.get(name);
                assertThat(call(wl, name, 0)).as("woven, run plain: " + context).isEqualTo(expected.get(0));
                for (boolean preempt : new boolean[] {false, true}) {
                    List<TaskletBody> bodies = new ArrayList<>();
                    List<Object[]> slots = new ArrayList<>();
                    Method body = wl.loadClass(name).getMethod("body", int.class, Object[].class);
                    for (int arg = 0; arg < STRANDS; arg++) {
                        Object[] slot = new Object[1];
                        slots.add(slot);
                        bodies.add((TaskletBody) body.invoke(null, arg, slot));
                    }
                    Ticks.Handler saved = Ticks.handler();
                    List<TestSched.Outcome> outs;
                    if (preempt) {
                        java.util.Random pr = new java.util.Random(base ^ name.hashCode());
                        Ticks.setHandler(() -> {
                            Preemption.setBudget(pr.nextInt(30));
                            if (pr.nextInt(3) == 0 && TestSched.preempt(false)) {
                                preemptions[0]++;
                            }
                        });
                        Preemption.setBudget(pr.nextInt(30));
                    }
                    try {
                        outs = TestSched.run(bodies);
                    } catch (RuntimeException | Error e) {
                        // The scheduler itself failed: name the program, or the seed is all one gets.
                        throw new AssertionError("woven, soft" + (preempt ? ", preempted" : "") + ": the run failed: " + e
                                + "\n" + context, e);
                    } finally {
                        Ticks.setHandler(saved);
                        Preemption.setBudget(Long.MAX_VALUE);
                    }
                    switches += TestSched.lastSwitches;
                    for (int arg = 0; arg < STRANDS; arg++) {
                        TestSched.Outcome o = outs.get(arg);
                        String got = o.error != null ? threw(o.error) : "returned " + slots.get(arg)[0];
                        if (o.error != null && o.error.getClass().getName().endsWith("$Refused")) {
                            assertThat(o.refusal).as("a Refused error is recorded as a refusal").isNotNull();
                        }
                        if (o.refusal != null) {
                            // The documented refusal of a switch inside a JDK callback (eachPause).
                            // The strand's outcome is the Refused error, or whatever a catch or
                            // finally on its way out made of it: compare with a plain run that
                            // refuses at the same place.
                            assertThat(o.refusal).contains("cannot switch here")
                                    .containsAnyOf("is not woven", "through a plain call");
                            refused[0]++;
                            TestSched.simulateRefusal = true;
                            String refusedPlain;
                            try {
                                refusedPlain = call(pl, name, arg);
                            } finally {
                                TestSched.simulateRefusal = false;
                            }
                            assertThat(got).as("woven, soft" + (preempt ? ", preempted" : "") + ", refused, arg " + arg
                                    + ": " + context).isEqualTo(refusedPlain);
                            continue;
                        }
                        assertThat(got).as("woven, soft" + (preempt ? ", preempted" : "") + ", arg " + arg + ": "
                                + context).isEqualTo(expected.get(arg));
                    }
                }
            }
        }
        assertThat(tooLarge).as("programs the weaver refused as too large (base seed " + base + ")")
                .hasSizeLessThanOrEqualTo(count / 100);
        System.out.println("differential: " + count + " programs (" + tooLarge.size() + " refused as too large once woven: "
                + tooLarge + "), base seed " + base + ", " + switches
                + " soft switches, " + preemptions[0] + " of them preemptions at tick points, " + refused[0]
                + " strands refused a switch inside a JDK callback");
        assertThat(switches).isPositive();
        assertThat(preemptions[0]).isPositive();
        return new long[] {switches, refused[0]};
    }

    private static String call(ClassLoader l, String name, int arg) throws Exception {
        Method f = l.loadClass(name).getMethod("f", int.class);
        try {
            return "returned " + f.invoke(null, arg);
        } catch (InvocationTargetException e) {
            return threw(e.getCause());
        }
    }

    /** An outcome's error; a refusal's message differs between a real and a simulated one. */
    private static String threw(Throwable e) {
        return "threw " + (e.getClass().getName().endsWith("$Refused") ? "Refused" : e);
    }

    private static final java.util.regex.Pattern TOO_LARGE =
            java.util.regex.Pattern.compile("(t\\.P\\d+)[.$]\\S* is \\d+ bytes of bytecode once woven");

    /** The program whose method the weaver refused as too large, or null for another failure. */
    private static String tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            java.util.regex.Matcher m = TOO_LARGE.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }
}
