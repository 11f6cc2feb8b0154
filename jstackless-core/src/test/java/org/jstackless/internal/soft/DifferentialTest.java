package org.jstackless.internal.soft;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.TaskletBody;
import org.junit.jupiter.api.Test;

/**
 * Differential testing of the weaver: generated programs ({@link ProgramGenerator}) run plain
 * (unwoven), woven but outside any soft strand (hard-mode compatibility), and woven on soft strands
 * that suspend at every suspension point and are resumed after the other strands ran; the results
 * and exceptions must be identical. The base seed is random unless {@code -Djsl.diff.seed=N}; it
 * is printed on failure, with the failing program's source.
 */
class DifferentialTest {
    static final int PROGRAMS = Integer.getInteger("jsl.diff.programs", 1000);
    static final int BATCH = 100;
    static final int STRANDS = 3;

    @Test
    void wovenProgramsBehaveLikePlainOnes() throws Exception {
        long base = Long.getLong("jsl.diff.seed", new java.util.Random().nextLong());
        long switches = 0;
        for (int b = 0; b < PROGRAMS; b += BATCH) {
            Map<String, String> sources = new LinkedHashMap<>();
            for (int i = b; i < Math.min(PROGRAMS, b + BATCH); i++) {
                sources.put("t.P" + i, new ProgramGenerator(base + i).generate("P" + i));
            }
            Map<String, byte[]> plain = WeavingLoader.compile(sources);
            Map<String, byte[]> woven;
            try {
                woven = WeavingLoader.weave(plain);
            } catch (Exception e) {
                throw new AssertionError("base seed " + base + ": weaving failed: " + e.getMessage(), e);
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
                List<TaskletBody> bodies = new ArrayList<>();
                List<Object[]> slots = new ArrayList<>();
                Method body = wl.loadClass(name).getMethod("body", int.class, Object[].class);
                for (int arg = 0; arg < STRANDS; arg++) {
                    Object[] slot = new Object[1];
                    slots.add(slot);
                    bodies.add((TaskletBody) body.invoke(null, arg, slot));
                }
                List<TestSched.Outcome> outs = TestSched.run(bodies);
                switches += TestSched.lastSwitches;
                for (int arg = 0; arg < STRANDS; arg++) {
                    TestSched.Outcome o = outs.get(arg);
                    String got = o.error != null ? "threw " + o.error : "returned " + slots.get(arg)[0];
                    assertThat(got).as("woven, soft, arg " + arg + ": " + context).isEqualTo(expected.get(arg));
                }
            }
        }
        System.out.println("differential: " + PROGRAMS + " programs, base seed " + base + ", " + switches + " soft switches");
        assertThat(switches).isPositive();
    }

    private static String call(ClassLoader l, String name, int arg) throws Exception {
        Method f = l.loadClass(name).getMethod("f", int.class);
        try {
            return "returned " + f.invoke(null, arg);
        } catch (InvocationTargetException e) {
            return "threw " + e.getCause();
        }
    }
}
