package org.jstackless.internal.soft;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random generator of Java programs for differential testing of the weaver: loops,
 * try/catch/finally, switches (arrow and fall-through), long/double/float/int locals, arrays,
 * construction with suspending arguments, virtual/interface/default/super/static calls, mutual
 * recursion (bounded by a fuel counter), lambdas and method references, early returns, thrown and
 * caught exceptions, and suspension points ({@code pause()}, {@code pauseBomb()}) at random places,
 * including inside expressions. Issue 11's shapes too: suspendable calls inside {@code catch
 * (Throwable)} of a plain method, a generic {@code throws E} helper, a plain helper taking a
 * suspendable lambda, and JDK higher-order methods ({@code Arrays.sort} with a comparator, a
 * stream, {@code List.forEach}) calling woven lambdas: these only count ticks (preemption there is
 * deferred), except {@code eachPause}, whose switch inside {@code forEach} a soft run refuses: it
 * turns the documented refusal into a {@code Refused} error, which also records the refusal for
 * the strand ({@link TestSched#noteRefusal}): a {@code finally} on the way out may replace the error by the
 * program's own exception. A plain run can simulate that refusal ({@link TestSched#refusing}) to give
 * the expected result of a refused strand. Calls through frameless JDK glue ({@link #adapted}): method
 * references whose adapter boxes, unboxes or widens the result (static, bound, unbound, constructor,
 * varargs, generic), bridge methods, default methods calling the abstract one, and switch and
 * conditional expressions consuming their results (the weaver routes the converting ones through
 * woven bridges; serializable ones, {@code S...}, keep the frameless adapter); a generic method
 * reference whose adapter unboxes an {@code Object} works through its bridge ({@code viaPick}), but
 * serializable ({@code viaPickS}) it is refused soft, as a JDK {@code Function} ({@code jdkLen}) and
 * {@code eachPause} are. Every program is deterministic and independent of whether it runs
 * plain or suspends.
 */
final class ProgramGenerator {
    private final Random r;
    private final StringBuilder out = new StringBuilder();
    private int methods;
    private int fresh;
    private int cur;
    /** Visible variables by kind: long, int (read-only), double, float; one list per scope level. */
    private final List<List<String>> longs = new ArrayList<>();
    private final List<List<String>> ints = new ArrayList<>();
    private int depth;
    private boolean noFn;
    private String capName;

    /** Whether {@link #adapted} shapes are drawn (off only to regenerate a program of an older generator). */
    private final boolean withAdapted;

    ProgramGenerator(long seed) {
        this(seed, true);
    }

    ProgramGenerator(long seed, boolean withAdapted) {
        this.r = new Random(seed);
        this.withAdapted = withAdapted;
    }

    String generate(String cls) {
        methods = 2 + r.nextInt(4);
        out.append("package t;\nimport org.jstackless.Suspendable;\nimport static org.jstackless.internal.soft.TestSched.*;\n");
        out.append("public class ").append(cls).append(" {\n");
        out.append("""
                  interface Fn { long apply(long x) throws Suspendable; }
                  interface It { long g(long x) throws Suspendable;
                    default long h(long x) throws Suspendable { pause(); return g(x) + 1; } }
                  static class Box implements It { final long a; final long b;
                    Box(long a, long b) { this.a = a; this.b = b; }
                    long sum() throws Suspendable { pause(); return a * 31 + b; }
                    public long g(long x) throws Suspendable { return x ^ a; } }
                  static final class Box2 extends Box { Box2(long a, long b) { super(a, b); }
                    @Override long sum() throws Suspendable { long s = super.sum(); pause(); return s + 1; }
                    @Override public long g(long x) throws Suspendable { return h2(x) - b; }
                    private long h2(long x) throws Suspendable { return (Integer) pause() + x; } }
                  static long pz() throws Suspendable { return (Integer) pause(); }
                  static long mr(long v) throws Suspendable { pause(); return v + 11; }
                  static final class Refused extends Error { Refused(String m) { super(m); noteRefusal(m); } }
                  static long spinS(long v) throws Suspendable { long s = v; for (int i = 0; i < 3; i++) s = s * 31 + i; return s; }
                  static long safe(long v) { try { return v + (Integer) pause(); } catch (Throwable t) { return -1; } }
                  interface Act<T, E extends Throwable> { T act() throws E; }
                  static <T, E extends Throwable> T timed(Act<T, E> a) throws E { T v = a.act(); return v; }
                  interface Step { long run(long x) throws Suspendable; }
                  static long plainHelper(long x, Step s) {
                    try { return s.run(x) + 1; } catch (Suspendable e) { throw new AssertionError(e); } }
                  static long sortSum(long x) { Long[] a = {x & 7, 3L, x % 5, 1L};
                    java.util.Arrays.sort(a, (p, q) -> { try { spinS(p); } catch (Suspendable e) { throw new AssertionError(e); }
                      return Long.compare(p, q); });
                    return a[0] * 1000 + a[3]; }
                  static long streamSum(long x) { return java.util.stream.LongStream.range(0, 4).map(v -> {
                    try { return spinS(v + x); } catch (Suspendable e) { throw new AssertionError(e); } }).sum(); }
                  static long eachPause(long x) { long[] acc = {x};
                    try { java.util.List.of(1L, 2L).forEach(v -> {
                        try { if (refusing()) throw new IllegalStateException("cannot switch here (simulated)");
                          acc[0] += v + (Integer) pause(); } catch (Suspendable e) { throw new AssertionError(e); } });
                    } catch (IllegalStateException e) {
                      if (String.valueOf(e.getMessage()).contains("cannot switch here")) throw new Refused(e.getMessage());
                      throw e; }
                    return acc[0]; }
                  interface IntCall { int call() throws Suspendable; }
                  interface LongCall { long call() throws Suspendable; }
                  interface IntOfInt { int ap(int x) throws Suspendable; }
                  interface LongOfInt { long ap(int x) throws Suspendable; }
                  interface LongOfBoxed { long ap(Integer x) throws Suspendable; }
                  interface SIntOfInt extends java.io.Serializable { int ap(int x) throws Suspendable; }
                  interface SLongOfInt extends java.io.Serializable { long ap(int x) throws Suspendable; }
                  interface SLongOfBoxed extends java.io.Serializable { long ap(Integer x) throws Suspendable; }
                  interface ObjOfLong { Object ap(long x) throws Suspendable; }
                  interface NumOfInt { Number ap(int x) throws Suspendable; }
                  interface LongOf2 { long ap(long a, long b) throws Suspendable; }
                  interface LongOfCtr { long ap(Ctr c) throws Suspendable; }
                  interface MkCtr { Ctr mk(Integer x) throws Suspendable; }
                  interface GFn<A, R> { R ap(A a) throws Suspendable;
                    default long twice(A a) throws Suspendable { long v = ((Number) ap(a)).longValue(); pause(); return v * 2 + ((Number) ap(a)).longValue(); } }
                  static final class Len implements GFn<String, Integer> {
                    public Integer ap(String s) throws Suspendable { return s.length() + (Integer) pause(); } }
                  static final class Ctr { long n; Ctr(int x) { n = x; }
                    int next() throws Suspendable { pause(); return (int) ++n; }
                    Integer boxedNext() throws Suspendable { pause(); n += 2; return (int) n; } }
                  static int pi(int x) throws Suspendable { return x * 3 + (Integer) pause(); }
                  static Integer bi(int x) throws Suspendable { pause(); return x - 4; }
                  static long pl(long x) throws Suspendable { pause(); return x * 5; }
                  static long sumv(long... xs) throws Suspendable { long s = xs.length; for (long v : xs) s = s * 7 + v; pause(); return s; }
                  static <T> T pick(T v) throws Suspendable { pause(); return v; }
                  static final class JLen implements java.util.function.Function<String, Integer> {
                    public Integer apply(String s) {
                      try { if (refusing()) throw new IllegalStateException("cannot switch here (simulated)");
                        return s.length() + (Integer) pause(); } catch (Suspendable e) { throw new AssertionError(e); } } }
                  static long jdkLen(long x) { java.util.function.Function<String, Integer> f = new JLen();
                    try { return f.apply("v" + x); } catch (IllegalStateException e) {
                      if (String.valueOf(e.getMessage()).contains("cannot switch here")) throw new Refused(e.getMessage());
                      throw e; } }
                """);
        out.append("  static <T> T pickU(T v) throws Suspendable {\n")
                .append("    if (refusing()) throw new IllegalStateException(\"cannot switch here (simulated)\");\n")
                .append("    pause(); return v; }\n")
                .append("  static long viaPick(int x) throws Suspendable {\n")
                .append("    return ((LongOfBoxed) ").append(cls()).append("::pick).ap(x); }\n")
                .append("  static long viaPickS(int x) throws Suspendable {\n")
                .append("    try { return ((SLongOfBoxed) ").append(cls()).append("::pickU).ap(x); } catch (IllegalStateException e) {\n")
                .append("      if (String.valueOf(e.getMessage()).contains(\"cannot switch here\")) throw new Refused(e.getMessage());\n")
                .append("      throw e; } }\n");
        for (int i = 0; i < methods; i++) {
            method(i);
        }
        out.append("  public static String f(int n) throws Suspendable {\n")
                .append("    long[] fuel = {").append(20 + r.nextInt(40)).append("};\n")
                .append("    StringBuilder log = new StringBuilder();\n")
                .append("    long res = m0(fuel, log, n, n + 1, n * 0.5);\n")
                .append("    return res + \"|\" + log;\n  }\n");
        out.append("  public static org.jstackless.TaskletBody body(int arg, Object[] slot) {\n")
                .append("    return () -> slot[0] = f(arg);\n  }\n");
        out.append("}\n");
        return out.toString();
    }

    private void method(int i) {
        cur = i;
        longs.clear();
        ints.clear();
        push();
        out.append("  static long m").append(i)
                .append("(long[] fuel, StringBuilder log, long a, int b, double c) throws Suspendable {\n");
        out.append("    if (--fuel[0] < 0) return a;\n");
        out.append("    long x0 = a; int i0 = b; double d0 = c; float f0 = (float) c; long[] arr = new long[4];\n");
        longs.getLast().add("x0");
        longs.getLast().add("a");
        ints.getLast().add("i0");
        ints.getLast().add("b");
        String cap = "k" + fresh++;
        capName = cap;
        noFn = true;
        out.append("    final long ").append(cap).append(" = ").append(expr(1)).append(";\n");
        noFn = false;
        out.append("    Fn fn = v -> v * 3 + ").append(r.nextBoolean() ? "pz()" : "1").append(" + ").append(cap)
                .append(r.nextBoolean() ? " + m" + r.nextInt(methods) + "(fuel, log, v, 1, 0.25)" : "").append(";\n");
        out.append("    Fn fr = ").append(cls()).append("::mr;\n");
        depth = 0;
        block(2 + r.nextInt(4));
        out.append("    return x0 + i0 + (long) d0 + (long) f0 + arr[0] * 3 + arr[3];\n  }\n");
        pop();
    }

    private String cls() {
        return "t." + out.substring(out.indexOf("public class ") + 13, out.indexOf(" {", out.indexOf("public class ")));
    }

    private void push() {
        longs.add(new ArrayList<>());
        ints.add(new ArrayList<>());
    }

    private void pop() {
        longs.removeLast();
        ints.removeLast();
    }

    private String anyLong() {
        List<String> all = new ArrayList<>();
        longs.forEach(all::addAll);
        return all.get(r.nextInt(all.size()));
    }

    private String anyInt() {
        List<String> all = new ArrayList<>();
        ints.forEach(all::addAll);
        return all.get(r.nextInt(all.size()));
    }

    private String expr(int d) {
        // The adapted shapes together weigh as much as eight older ones, so those keep their share.
        int k = r.nextInt(d <= 0 ? 5 : 26 + (withAdapted ? 8 : 0));
        if (k >= 26) {
            return adapted(r.nextInt(ADAPTED), d);
        }
        if (noFn && (k == 13 || k == 14 || k == 20)) {
            k = 4;
        }
        return switch (k) {
            case 0 -> anyLong();
            case 1 -> "(long) " + anyInt();
            case 2 -> Long.toString(r.nextInt(100) - 20) + "L";
            case 3 -> "(long) d0";
            case 4 -> "pz()";
            case 5 -> "(" + expr(d - 1) + " + " + expr(d - 1) + ")";
            case 6 -> "(" + expr(d - 1) + " * " + expr(d - 1) + ")";
            case 7 -> "(" + expr(d - 1) + " ^ " + expr(d - 1) + ")";
            case 8 -> "(" + expr(d - 1) + " / (" + expr(d - 1) + " | 1))";
            case 9 -> "m" + r.nextInt(methods) + "(fuel, log, " + expr(d - 1) + ", (int) " + expr(d - 1) + ", "
                    + (r.nextBoolean() ? "d0" : "(double) " + expr(d - 1)) + ")";
            case 10 -> "new Box(" + expr(d - 1) + ", " + expr(d - 1) + ").sum()";
            case 11 -> "new Box2(" + expr(d - 1) + ", " + expr(d - 1) + ").sum()";
            case 12 -> "((It) new Box" + (r.nextBoolean() ? "2" : "") + "(" + expr(d - 1) + ", 3L)).h(" + expr(d - 1) + ")";
            case 13 -> "fn.apply(" + expr(d - 1) + ")";
            case 14 -> "fr.apply(" + expr(d - 1) + ")";
            case 15 -> "(" + expr(d - 1) + " > " + expr(d - 1) + " ? " + expr(d - 1) + " : " + expr(d - 1) + ")";
            case 16 -> "arr[(int) (" + expr(d - 1) + " & 3)]";
            case 17 -> "(long) (d0 * " + expr(d - 1) + " + f0)";
            case 18 -> "(long) (Integer) pause()";
            case 19 -> "safe(" + expr(d - 1) + ")";
            case 20 -> "(long) timed(() -> pz() + " + capName + ")";
            case 21 -> "plainHelper(" + expr(d - 1) + ", v -> v * 2 + pz())";
            case 22 -> "sortSum(" + expr(d - 1) + ")";
            case 23 -> "streamSum(" + expr(d - 1) + ")";
            case 24 -> r.nextInt(6) == 0 ? "eachPause(" + expr(d - 1) + ")" : "sortSum(" + expr(d - 1) + ")";
            default -> "(" + expr(d - 1) + " - " + anyLong() + ")";
        };
    }

    /** How many shapes {@link #adapted} has. */
    private static final int ADAPTED = 16;

    /**
     * A call through frameless JDK glue whose callee suspends: a method reference whose
     * LambdaMetafactory adapter boxes, unboxes or widens the result (static, bound, unbound,
     * constructor, varargs, generic), a bridge method, a default method calling the abstract one,
     * a switch or conditional consuming such a result, and (refused soft) a JDK interface.
     */
    /** "S" (a serializable functional interface, whose method reference is not bridged) one time in three. */
    private String ser() {
        return r.nextInt(3) == 0 ? "S" : "";
    }

    private String adapted(int k, int d) {
        String c = cls();
        String i = "(int) " + expr(d - 1);
        return switch (k) {
            // Serializable ones (S...) are not bridged by the weaver: their adapter stays between the
            // woven frames, and the resumed call site converts as it would.
            case 0 -> "(long) ((" + ser() + "IntOfInt) " + c + "::bi).ap(" + i + ")"; // Integer -> int
            case 1 -> "((" + ser() + "LongOfInt) " + c + "::bi).ap(" + i + ")"; // Integer -> long
            case 2 -> "((" + ser() + "LongOfInt) " + c + "::pi).ap(" + i + ")"; // int -> long
            case 3 -> "((Long) ((ObjOfLong) " + c + "::pl).ap(" + expr(d - 1) + ")).longValue()"; // long -> Object
            case 4 -> "((NumOfInt) " + c + "::pi).ap(" + i + ").longValue()"; // int -> Number
            case 5 -> "((LongCall) new Ctr(" + i + ")::" + (r.nextBoolean() ? "next" : "boxedNext") + ").call()"; // bound
            case 6 -> "((LongOfCtr) Ctr::" + (r.nextBoolean() ? "next" : "boxedNext") + ").ap(new Ctr(" + i + "))"; // unbound
            case 7 -> "((MkCtr) Ctr::new).mk(" + i + ").next()"; // constructor, unboxed argument
            case 8 -> "((LongOf2) " + c + "::sumv).ap(" + expr(d - 1) + ", " + expr(d - 1) + ")"; // varargs
            case 9 -> "((GFn<String, Integer>) new Len()).ap(\"s\" + " + expr(d - 1) + ")"; // bridge, unboxed by caller
            case 10 -> r.nextBoolean() ? "new Len().twice(\"t\" + " + expr(d - 1) + ")"
                    : "((GFn<Integer, Integer>) " + c + "::pick).twice(" + i + ")"; // default method
            // generic T=Integer -> long: the adapter unboxes an Object; the weaver bridges it (viaPick
            // works soft), except when serializable: then it does not accept the pair and a soft switch
            // inside is refused (viaPickS turns that into Refused)
            case 11 -> r.nextInt(3) == 0 ? (r.nextBoolean() ? "viaPick(" : "viaPickS(") + i + ")"
                    : "((LongOfInt) " + c + "::bi).ap(" + i + ")";
            case 12 -> "((IntCall) new Ctr(" + i + ")::boxedNext).call()"; // bound, Integer -> int
            case 13 -> "(switch (((IntOfInt) " + c + "::" + (r.nextBoolean() ? "bi" : "pi") + ").ap(" + i + ") & 3) { case 0 -> "
                    + expr(d - 1) + "; case 1 -> ((LongOfInt) " + c + "::bi).ap(2); default -> " + expr(d - 1) + "; })";
            case 14 -> "(((IntCall) new Ctr(" + i + ")::next).call() > 5 ? ((LongOfInt) " + c + "::bi).ap(1) : ((Long) ((ObjOfLong) "
                    + c + "::pl).ap(" + expr(d - 1) + ")).longValue())";
            default -> r.nextInt(4) == 0 ? "jdkLen(" + expr(d - 1) + ")" : "((LongOfInt) " + c + "::bi).ap(3)"; // refused soft
        };
    }

    private void indent() {
        out.append("    ").append("  ".repeat(depth));
    }

    private void block(int n) {
        for (int i = 0; i < n; i++) {
            stmt();
        }
    }

    private void nested(int n) {
        depth++;
        push();
        block(n);
        pop();
        depth--;
    }

    private void stmt() {
        int k = r.nextInt(depth >= 3 ? 10 : 19);
        indent();
        switch (k) {
            case 0 -> out.append("x0 = ").append(expr(2)).append(";\n");
            case 1 -> out.append("i0 = (int) ").append(expr(2)).append(";\n");
            case 2 -> out.append("d0 = d0 * 0.5 + ").append(expr(2)).append(";\n");
            case 3 -> out.append("f0 = f0 + (float) ").append(expr(1)).append(";\n");
            case 4 -> out.append("arr[(int) (").append(expr(1)).append(" & 3)] += ").append(expr(2)).append(";\n");
            case 5 -> {
                String v = "x" + fresh++;
                out.append("long ").append(v).append(" = ").append(expr(2)).append(";\n");
                longs.getLast().add(v);
            }
            case 6 -> out.append("pause();\n");
            case 7 -> out.append("log.append(").append(expr(1)).append(").append(',');\n");
            case 8 -> out.append("if ((").append(expr(1)).append(" & 15) == 3) throw new IllegalArgumentException(\"t\" + x0);\n");
            case 9 -> out.append("if ((").append(expr(1)).append(" & 31) == 5) return ").append(expr(1)).append(";\n");
            case 10 -> {
                out.append("if ((").append(expr(1)).append(" & 1) == 0) {\n");
                nested(1 + r.nextInt(3));
                indent();
                out.append("} else {\n");
                nested(1 + r.nextInt(2));
                indent();
                out.append("}\n");
            }
            case 11 -> {
                String j = "j" + fresh++;
                out.append("for (int ").append(j).append(" = 0; ").append(j).append(" < ").append(1 + r.nextInt(3))
                        .append("; ").append(j).append("++) {\n");
                depth++;
                push();
                ints.getLast().add(j);
                block(1 + r.nextInt(3));
                pop();
                depth--;
                indent();
                out.append("}\n");
            }
            case 12 -> {
                String w = "w" + fresh++;
                out.append("{ int ").append(w).append(" = 0; while (").append(w).append("++ < 2) {\n");
                nested(1 + r.nextInt(3));
                indent();
                out.append("} }\n");
            }
            case 13 -> {
                out.append("switch ((int) (").append(expr(1)).append(" & 3)) {\n");
                for (int c = 0; c < 2; c++) {
                    indent();
                    out.append("  case ").append(c).append(" -> {\n");
                    nested(1 + r.nextInt(2));
                    indent();
                    out.append("  }\n");
                }
                indent();
                out.append("  default -> {\n");
                nested(1);
                indent();
                out.append("  }\n");
                indent();
                out.append("}\n");
            }
            case 14 -> {
                out.append("switch (i0 & 7) {\n");
                for (int c = 0; c < 3; c++) {
                    indent();
                    out.append("  case ").append(c * 2).append(":\n");
                    nested(1);
                    if (r.nextBoolean()) {
                        indent();
                        out.append("    break;\n");
                    }
                }
                indent();
                out.append("  default:\n");
                nested(1);
                indent();
                out.append("}\n");
            }
            case 15 -> {
                String e = "e" + fresh++;
                out.append("try {\n");
                nested(1 + r.nextInt(3));
                indent();
                out.append("} catch (IllegalArgumentException | IllegalStateException ").append(e).append(") {\n");
                indent();
                out.append("  x0 += ").append(e).append(".getMessage().length(); log.append('c');\n");
                if (r.nextBoolean()) {
                    nested(1);
                }
                indent();
                if (r.nextBoolean()) {
                    out.append("} finally {\n");
                    indent();
                    out.append("  log.append('f');\n");
                    nested(1);
                    indent();
                }
                out.append("}\n");
            }
            case 16 -> {
                String e = "e" + fresh++;
                out.append("try { pauseBomb(); } catch (IllegalStateException ").append(e)
                        .append(") { log.append('b'); x0++; }\n");
            }
            case 17 -> out.append("x0 += fn.apply(").append(expr(1)).append(");\n");
            default -> {
                String v = "x" + fresh++;
                out.append("long ").append(v).append(" = new Box(").append(expr(1)).append(", ").append(expr(2))
                        .append(").g(").append(expr(1)).append(");\n");
                longs.getLast().add(v);
            }
        }
    }
}
