package org.jstackless.internal.soft;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

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
    private final String className;
    private final String methodName;
    private final String descriptor;
    private final String file;
    private final int[] lines;
    private final boolean isStatic;
    final MethodHandle reentry;
    /** The class's re-entry dispatcher and this method's case in it; null for code woven without one. */
    Reentry dispatcher;
    int dispatcherIndex;

    private MethodInfo(String className, String methodName, String descriptor, String file, int[] lines,
            boolean isStatic, MethodHandle reentry) {
        this.className = className;
        this.methodName = methodName;
        this.descriptor = descriptor;
        this.file = file;
        this.lines = lines;
        this.isStatic = isStatic;
        this.reentry = reentry;
    }

    /**
     * Bootstrap of the dynamic constant woven methods load. {@code lines} is the source line of
     * each call site, comma-separated, in call-site order (0 when unknown).
     */
    public static MethodInfo bootstrap(MethodHandles.Lookup lookup, String constantName, Class<?> type,
            String methodName, String descriptor, int isStatic, String file, String lines)
            throws ReflectiveOperationException {
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
                parseLines(lines), isStatic != 0, mh);
        int mark = constantName.indexOf('#');
        if (mark >= 0) {
            mi.dispatcherIndex = Integer.parseInt(constantName, mark + 1, constantName.length(), 10);
            mi.dispatcher = Reentry.of(lookup);
        }
        return mi;
    }

    private static int[] parseLines(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(",");
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

    StackTraceElement stackTraceElement(int site) {
        int line = site >= 0 && site < lines.length && lines[site] > 0 ? lines[site] : -1;
        return new StackTraceElement(className, methodName, file, line);
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
