package org.jstackless.internal.soft;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Static facts about one woven method, created once per method by a dynamic constant
 * ({@code ldc} of a {@code CONSTANT_Dynamic} whose bootstrap is {@link #bootstrap}) and then
 * cached by the JVM in the woven class's constant pool.
 *
 * <p>It holds the re-entry handle used by lazy rewind: the exact method (no virtual dispatch:
 * {@code findSpecial} for instance methods, so a frame of {@code Base.m} is re-entered in
 * {@code Base.m} even if the receiver's class overrides it), with every parameter bound to its
 * default value (woven code restores the live ones from the frame) and adapted to
 * {@code (Object)Object}: the receiver in, the boxed result out. When the constant's name is
 * {@code jslInfo#i}, the strand re-enters through the class's dispatcher instead ({@link Reentry},
 * case {@code i}), which the JIT can inline; the handle remains for frames built without one.
 */
public final class MethodInfo {
    /** The name of a woven method's constant, before {@link #REENTRY_MARK} and its dispatcher case. */
    public static final String CONSTANT_NAME = "jslInfo";
    /** Separates {@link #CONSTANT_NAME} from the method's case in its class's dispatcher. */
    public static final char REENTRY_MARK = '#';
    /** Separates sites in a layouts string (and call-site lines in a lines string). */
    public static final char SITE_SEPARATOR = ',';
    /** Ends a site's slot descriptors in a layouts string; a call site's return descriptor follows. */
    public static final char SLOTS_END = ')';

    private final String className;
    private final String methodName;
    private final String descriptor;
    private final String file;
    private final int[] lines;
    private final boolean isStatic;
    private final long fingerprint;
    private final String layouts;
    /** {@link #layouts} parsed, on first use (only pickling needs it). */
    private volatile SiteLayout[] parsed;
    final MethodHandle reentry;
    /** The class's re-entry dispatcher and this method's case in it; null for code woven without one. */
    Reentry dispatcher;
    int dispatcherIndex;

    private MethodInfo(String className, String methodName, String descriptor, String file, int[] lines,
            boolean isStatic, long fingerprint, String layouts, MethodHandle reentry) {
        this.className = className;
        this.methodName = methodName;
        this.descriptor = descriptor;
        this.file = file;
        this.lines = lines;
        this.isStatic = isStatic;
        this.fingerprint = fingerprint;
        this.layouts = layouts;
        this.reentry = reentry;
    }

    /**
     * The slot layout of one suspension point: the JVM descriptor of every value its frame saves,
     * in save order (locals, then operand stack). {@code I}, {@code F}, {@code J}, {@code D} are
     * primitive slots (booleans, bytes, chars and shorts are saved as {@code I}); references are
     * the type the weaver's analysis gave the value, which the restore code casts to. A call site
     * also has the call's return type (what its resume value is converted to); a tick point has
     * none ({@code result} null).
     *
     * @param slots  descriptors in save order
     * @param result the call's return descriptor, or null for a tick point
     */
    public record SiteLayout(List<String> slots, String result) {
        /** True for a suspendable call site, false for a tick point. */
        public boolean isCall() {
            return result != null;
        }
    }

    /**
     * Bootstrap of the dynamic constant woven methods load. {@code lines} is the source line of
     * each call site, comma-separated, in call-site order (0 when unknown); {@code fingerprint}
     * the weaver's pickle fingerprint of the method and {@code layouts} each site's slot layout
     * (see {@link #layout}).
     */
    public static MethodInfo bootstrap(MethodHandles.Lookup lookup, String constantName, Class<?> type,
            String methodName, String descriptor, int isStatic, String file, String lines, long fingerprint,
            String layouts) throws ReflectiveOperationException {
        Class<?> owner = lookup.lookupClass();
        MethodType mt = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
        MethodHandle mh;
        if (isStatic != 0) {
            mh = lookup.findStatic(owner, methodName, mt);
        } else {
            mh = lookup.findSpecial(owner, methodName, mt, owner);
        }
        int first = isStatic != 0 ? 0 : 1;
        Object[] defaults = new Object[mt.parameterCount()];
        for (int i = 0; i < defaults.length; i++) {
            Class<?> p = mt.parameterType(i);
            defaults[i] = zero(p);
        }
        mh = MethodHandles.insertArguments(mh, first, defaults);
        if (isStatic != 0) {
            mh = MethodHandles.dropArguments(mh, 0, Object.class);
        }
        mh = mh.asType(MethodType.methodType(Object.class, Object.class));
        MethodInfo mi = new MethodInfo(owner.getName(), methodName, descriptor, file.isEmpty() ? null : file,
                parseLines(lines), isStatic != 0, fingerprint, layouts, mh);
        int mark = constantName.indexOf(REENTRY_MARK);
        if (mark >= 0) {
            mi.dispatcherIndex = Integer.parseInt(constantName, mark + 1, constantName.length(), 10);
            mi.dispatcher = Reentry.of(lookup);
        }
        return mi;
    }

    /**
     * Parses a layouts string: sites separated by {@code ,}, each the slot descriptors, {@code )},
     * and for a call site its return descriptor. Throws IllegalArgumentException when malformed.
     */
    public static SiteLayout[] parseLayouts(String s) {
        List<SiteLayout> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        if (n == 0) {
            return new SiteLayout[0];
        }
        while (true) {
            List<String> slots = new ArrayList<>();
            while (i < n && s.charAt(i) != SLOTS_END) {
                int e = descriptorEnd(s, i);
                slots.add(s.substring(i, e));
                i = e;
            }
            if (i >= n) {
                throw new IllegalArgumentException("no '" + SLOTS_END + "' in slot layout " + s);
            }
            i++;
            String result = null;
            if (i < n && s.charAt(i) != SITE_SEPARATOR) {
                int e = descriptorEnd(s, i);
                result = s.substring(i, e);
                i = e;
            }
            out.add(new SiteLayout(List.copyOf(slots), result));
            if (i == n) {
                return out.toArray(new SiteLayout[0]);
            }
            if (s.charAt(i) != SITE_SEPARATOR) {
                throw new IllegalArgumentException("bad slot layout " + s + " at " + i);
            }
            i++;
        }
    }

    private static int descriptorEnd(String s, int i) {
        int j = i;
        while (j < s.length() && s.charAt(j) == '[') {
            j++;
        }
        if (j >= s.length()) {
            throw new IllegalArgumentException("bad slot layout " + s + " at " + i);
        }
        char c = s.charAt(j);
        if (c == 'L') {
            int e = s.indexOf(';', j);
            if (e < 0) {
                throw new IllegalArgumentException("bad slot layout " + s + " at " + i);
            }
            return e + 1;
        }
        if ("ZBCSIJFDV".indexOf(c) < 0) {
            throw new IllegalArgumentException("bad slot layout " + s + " at " + i);
        }
        return j + 1;
    }

    private static int[] parseLines(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(String.valueOf(SITE_SEPARATOR));
        int[] r = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            r[i] = Integer.parseInt(parts[i]);
        }
        return r;
    }

    /** The binary name of the declaring class. */
    public String className() {
        return className;
    }

    /** The method's name. */
    public String methodName() {
        return methodName;
    }

    /** The method's descriptor. */
    public String descriptor() {
        return descriptor;
    }

    /** True for a static method (frames have no receiver). */
    public boolean isStatic() {
        return isStatic;
    }

    /** The source file name, or null. */
    public String file() {
        return file;
    }

    /** The source line of each call site, in call-site order (0 when unknown). */
    public int[] lines() {
        return lines.clone();
    }

    /**
     * The pickle fingerprint the weaver computed: a hash of its frame format, the method's original
     * code and the slot layouts, the same whoever wove the class (build plugin or agent).
     */
    public long fingerprint() {
        return fingerprint;
    }

    /** The slot layouts of all sites, as the weaver recorded them (see {@link #parseLayouts}). */
    public String layouts() {
        return layouts;
    }

    /** The number of suspension points (call sites and tick points). */
    public int sites() {
        return parsedLayouts().length;
    }

    /** The slot layout of suspension point {@code site}. */
    public SiteLayout layout(int site) {
        return parsedLayouts()[site];
    }

    private SiteLayout[] parsedLayouts() {
        SiteLayout[] p = parsed;
        if (p == null) {
            p = parseLayouts(layouts);
            parsed = p;
        }
        return p;
    }

    /** The source position of suspension point {@code site}. */
    public StackTraceElement stackTraceElement(int site) {
        int line = site >= 0 && site < lines.length && lines[site] > 0 ? lines[site] : -1;
        return new StackTraceElement(className, methodName, file, line);
    }

    /**
     * The class's re-entry dispatcher, or null for code woven without one (then {@link #reentry()}):
     * lazy rewind re-enters case {@link #dispatcherIndex()} of it.
     */
    public Reentry dispatcher() {
        return dispatcher;
    }

    /** This method's case in {@link #dispatcher()}. */
    public int dispatcherIndex() {
        return dispatcherIndex;
    }

    /** The re-entry handle, {@code (Object self)Object}: the method with default arguments (see the class comment). */
    public MethodHandle reentry() {
        return reentry;
    }

    @Override
    public String toString() {
        return className + "." + methodName + descriptor;
    }

    /** Boxed zero of a primitive type (MethodHandles.zero's value), null for references. */
    static Object zero(Class<?> c) {
        try {
            return c.isPrimitive() ? MethodHandles.zero(c).invoke() : null;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
