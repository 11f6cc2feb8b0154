package org.jstackless.internal.pickle;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How an allowed ordinary class (not a record, enum, array or built-in) pickles: field by field,
 * and comes back without running any of its constructors.
 *
 * <p>The fields are every non-static, non-transient field of the class and of its superclasses
 * up to {@code Object}, superclass first, each class's fields sorted by name: an order that
 * does not depend on the JVM. Transient fields are not written and come back as their type's
 * default (0, false, null), because no constructor or field initializer runs.
 *
 * <p>Creation uses the JDK's serialization constructor ({@code sun.reflect.ReflectionFactory},
 * the mechanism {@code java.io} deserialization itself relies on, in the JDK module
 * {@code jdk.unsupported}): an instance of the class on which only {@code Object()} ran. This
 * works with or without a no-arg constructor and runs no user code, so a constructor's side effects
 * or checks do not run twice. Fields are read and set by reflection ({@code setAccessible}, which
 * also sets final instance fields); in a named module this needs the package open to
 * {@code org.jstackless.core} ({@link #opensHint}).
 */
public final class Fields {
    /** A class's pickled fields, in pickle order, made accessible. */
    record Shape(Class<?> type, Field[] fields, String[] names, Constructor<?> create) {
    }

    private static final ClassValue<Object> SHAPES = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> c) {
            try {
                return shape(c);
            } catch (RuntimeException | LinkageError e) {
                return PickleErrors.isNotPicklable(e) ? e.getMessage() : String.valueOf(e);
            }
        }
    };

    private Fields() {
    }

    /** The shape of plain class {@code c}, or a NotPicklableException saying why it does not pickle field by field. */
    static Shape of(Class<?> c) {
        Object v = SHAPES.get(c);
        if (v instanceof Shape s) {
            return s;
        }
        throw PickleErrors.notPicklable((String) v);
    }

    private static final ClassValue<Boolean> IDENTITY_HASH = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            try {
                return c.getMethod("hashCode").getDeclaringClass() == Object.class;
            } catch (NoSuchMethodException | RuntimeException | LinkageError e) {
                return false;
            }
        }
    };

    /**
     * Whether objects of {@code c} hash by identity (no {@code hashCode} override): then hashing
     * one as a map key does not look at its fields.
     */
    static boolean identityHash(Class<?> c) {
        return IDENTITY_HASH.get(c);
    }

    /** Whether {@code c} is in a module of the JDK (its fields are the JDK's implementation, not state to pickle). */
    static boolean isJdk(Class<?> c) {
        Module m = c.getModule();
        if (!m.isNamed() || m.getLayer() != ModuleLayer.boot()) {
            return false;
        }
        String n = m.getName();
        return n.startsWith("java.") || n.startsWith("jdk.");
    }

    private static Shape shape(Class<?> c) {
        if (c.isInterface() || c.isArray() || c.isPrimitive() || Modifier.isAbstract(c.getModifiers())) {
            throw PickleErrors.notPicklable(c.getName() + " is not a concrete class");
        }
        if (c.isHidden() || c.isRecord() || c.isEnum()) {
            throw PickleErrors.notPicklable(c.getName() + " is a hidden class, record or enum");
        }
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> k = c; k != Object.class; k = k.getSuperclass()) {
            if (isJdk(k)) {
                throw PickleErrors.notPicklable("class " + c.getName() + (k == c ? " is" : " extends " + k.getName()
                        + ",") + " a JDK class whose fields are its own implementation: of the JDK's classes only "
                        + "String, boxed primitives, ArrayList, HashMap and LinkedHashMap pickle");
            }
            chain.add(0, k);
        }
        List<Field> fields = new ArrayList<>();
        for (Class<?> k : chain) {
            Field[] fs = k.getDeclaredFields();
            Arrays.sort(fs, Comparator.comparing(Field::getName));
            for (Field f : fs) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) || Modifier.isTransient(m)) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                } catch (InaccessibleObjectException | SecurityException e) {
                    throw PickleErrors.notPicklable("cannot access field " + k.getName() + "." + f.getName() + ": "
                            + opensHint(k), e);
                }
                fields.add(f);
            }
        }
        Constructor<?> create;
        try {
            create = sun.reflect.ReflectionFactory.getReflectionFactory().newConstructorForSerialization(c,
                    Object.class.getDeclaredConstructor());
        } catch (NoSuchMethodException | RuntimeException e) {
            throw PickleErrors.notPicklable("cannot create instances of " + c.getName() + " without a constructor: " + e, e);
        }
        if (create == null) {
            throw PickleErrors.notPicklable("cannot create instances of " + c.getName() + " without a constructor");
        }
        String[] names = new String[fields.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = fields.get(i).getName();
        }
        return new Shape(c, fields.toArray(new Field[0]), names, create);
    }

    /** The fix for a class whose package is not open to the pickler: the exact module-info line, or a Lookup. */
    public static String opensHint(Class<?> c) {
        Module m = c.getModule();
        String pkg = c.getPackageName();
        if (!m.isNamed()) {
            return "its package " + pkg + " is not accessible to org.jstackless.core";
        }
        return "package " + pkg + " of module " + m.getName() + " is not open to org.jstackless.core; add the line `opens "
                + pkg + " to org.jstackless.core;` to the module-info.java of " + m.getName()
                + ", or build the Pickler with Pickler.builder().access(MethodHandles.lookup()) called from a class of "
                + m.getName();
    }
}
