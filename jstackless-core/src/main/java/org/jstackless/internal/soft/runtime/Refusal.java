package org.jstackless.internal.soft.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.internal.soft.Reentry;
import org.jstackless.internal.soft.SoftContext;
import org.jstackless.internal.soft.Woven;

/**
 * Builds the error of a switch that a soft tasklet cannot make, naming the frame that breaks the
 * chain (see {@link SoftContext}). Runs only once the cheap chain check said no, so it may walk the
 * stack.
 *
 * <p>Algorithm: walk from the caller down to the strand's trampoline ({@code SoftStrand.start} or
 * {@code rewind}), then go up from there. Pass-through frames (lambda proxies and other hidden
 * classes, {@code java.lang.invoke}, the re-entry dispatcher) are skipped. Each other frame must be a
 * woven method (its class's {@link Woven} stamp lists it), and the woven frame below it must be
 * stopped at one of its suspendable call sites (the stamp lists their lines). The first frame that
 * is not woven, or the first woven frame that made a plain call, is named. The walk ends at the
 * first unwoven frame of jstackless itself: the switching primitive's machinery.
 */
public final class Refusal {
    private static final StackWalker WALKER = StackWalker.getInstance(
            EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));

    /** Per class: woven method (name + descriptor) to its call-site lines; empty when not woven. */
    private static final ClassValue<Map<String, int[]>> WOVEN = new ClassValue<>() {
        @Override
        protected Map<String, int[]> computeValue(Class<?> c) {
            Woven w = c.getAnnotation(Woven.class);
            if (w == null) {
                return Map.of();
            }
            Map<String, int[]> m = new HashMap<>();
            for (String e : w.methods()) {
                int colon = e.lastIndexOf(Woven.LINES_MARK);
                if (colon < 0) {
                    continue;
                }
                String lines = e.substring(colon + 1);
                String[] parts = lines.isEmpty() ? new String[0] : lines.split(String.valueOf(org.jstackless.internal.soft.MethodInfo.SITE_SEPARATOR));
                int[] l = new int[parts.length];
                for (int i = 0; i < l.length; i++) {
                    l[i] = Integer.parseInt(parts[i]);
                }
                m.put(e.substring(0, colon), l);
            }
            return m;
        }
    };

    private static final String FIXES = " Nothing was changed: the call can be caught and the tasklet goes on. Fix: "
            + "weave it (the jstackless-maven-plugin's weave goals, or -javaagent:jstackless-agent.jar; a method is "
            + "woven when it declares 'throws Suspendable', or calls a suspendable method, even inside catch "
            + "(Throwable)), or run this tasklet hard (Stackless.enableSoftSwitch(false) before creating it).";

    private Refusal() {
    }

    /** The error raised at an explicit switch whose chain check failed. */
    public static IllegalStateException explicitSwitch() {
        Culprit c = culprit();
        org.jstackless.internal.jfr.JfrHooks.switchRefused(-1, c.frame(), false);
        return new IllegalStateException("a soft tasklet cannot switch here: " + c.text() + FIXES);
    }

    /** The frame that breaks the chain ({@code Class.method(File.java:line)}, or "" if unknown) and why, in words. */
    record Culprit(String frame, String text) {
    }

    /** What breaks the chain, in words, naming the frame as {@code Class.method(File.java:line)}. */
    static Culprit culprit() {
        List<StackWalker.StackFrame> fs = WALKER.walk(s -> {
            List<StackWalker.StackFrame> l = new ArrayList<>();
            for (var it = s.iterator(); it.hasNext();) {
                StackWalker.StackFrame f = it.next();
                if (f.getDeclaringClass() == SoftStrand.class
                        && (f.getMethodName().equals("start") || f.getMethodName().equals("rewind"))) {
                    break;
                }
                l.add(f);
            }
            return l;
        });
        Collections.reverse(fs); // from the trampoline up
        StackWalker.StackFrame below = null; // the woven frame below, or null for the trampoline
        boolean adapter = false; // a method reference's adapter (a hidden class) since the woven frame below
        String viaAdapter = null; // the last woven call through such an adapter: "caller calls callee"
        for (StackWalker.StackFrame f : fs) {
            Class<?> c = f.getDeclaringClass();
            if (passThrough(f)) {
                adapter |= c.isHidden();
                continue;
            }
            int[] sites = WOVEN.get(c).get(f.getMethodName() + f.getDescriptor());
            if (sites == null) {
                if (isOwn(c)) {
                    break; // the switching primitive's own machinery: nothing of the tasklet above
                }
                return new Culprit(f.toStackTraceElement().toString(), "the frame " + f.toStackTraceElement()
                        + " between the tasklet's body and this switch is not woven, so it could not be saved and "
                        + "would go on with a made-up value.");
            }
            if (below != null && !contains(WOVEN.get(below.getDeclaringClass())
                    .get(below.getMethodName() + below.getDescriptor()), below.getLineNumber())) {
                return new Culprit(below.toStackTraceElement().toString(), "the frame " + below.toStackTraceElement()
                        + " calls " + c.getName() + "." + f.getMethodName() + " through a plain call (the method it "
                        + "names does not declare 'throws Suspendable', e.g. an interface of the JDK), so it would "
                        + "not unwind and would go on with a made-up value.");
            }
            if (adapter && below != null && WOVEN.get(c).containsKey(f.getMethodName() + f.getDescriptor())) {
                viaAdapter = below.toStackTraceElement() + " calls " + c.getName() + "." + f.getMethodName();
            }
            adapter = false;
            below = f;
        }
        if (viaAdapter != null) {
            // Every frame is woven and every call site suspendable: the weaver did not accept a
            // method reference's adapter (one that unboxes a generic or Object result to a primitive
            // cannot be unwound through: see Lambdas.unboxesAnyReference in the weaver; only
            // serializable references get there, the others are bridged).
            return new Culprit(viaAdapter.substring(0, viaAdapter.indexOf(" calls ")), "the frame " + viaAdapter
                    + " through a method reference whose adapter unboxes a result that is not a box (a generic or "
                    + "Object-returning method used as a primitive-returning interface), which an unwinding frame "
                    + "cannot return through, so it could not be saved (the weaver routes such references through "
                    + "a woven bridge unless the interface is Serializable). Write it as a lambda (x -> m(x)) "
                    + "instead, or use an interface that is not Serializable.");
        }
        return new Culprit(below == null ? "" : below.toStackTraceElement().toString(),
                "a frame between the tasklet's body and this switch was not entered through a woven call site "
                + "(the innermost woven frame is " + (below == null ? "none" : below.toStackTraceElement().toString())
                + "), so it could not be saved.");
    }

    private static boolean passThrough(StackWalker.StackFrame f) {
        Class<?> c = f.getDeclaringClass();
        return c.isHidden() || c.getName().startsWith("java.lang.invoke.") || c == Reentry.class
                || f.getMethodName().equals(Reentry.DISPATCHER);
    }

    private static boolean contains(int[] lines, int line) {
        if (lines == null || line <= 0) {
            return lines != null && line <= 0; // no line information: give it the benefit of the doubt
        }
        for (int l : lines) {
            if (l == line) {
                return true;
            }
        }
        return false;
    }

    /** Classes of jstackless-core itself: same code source as this class. */
    private static final ClassValue<Boolean> OWN = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            var mine = Refusal.class.getProtectionDomain().getCodeSource();
            var theirs = c.getProtectionDomain().getCodeSource();
            return c.getName().startsWith("org.jstackless.") && mine != null && theirs != null
                    && mine.getLocation().equals(theirs.getLocation());
        }
    };

    private static boolean isOwn(Class<?> c) {
        return OWN.get(c);
    }
}
