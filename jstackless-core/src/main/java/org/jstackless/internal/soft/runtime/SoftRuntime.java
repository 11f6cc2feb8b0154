package org.jstackless.internal.soft.runtime;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import org.jstackless.TaskletBody;
import org.jstackless.internal.soft.FrameStore;
import org.jstackless.internal.soft.SoftContext;
import org.jstackless.internal.soft.Woven;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.PluggedMechanism;
import org.jstackless.internal.switching.Strand;
import org.jstackless.internal.switching.StrandEntry;
import org.jstackless.internal.switching.StrandFactory;
import org.jstackless.internal.switching.Switching;

/**
 * The soft mechanism as the switching layer sees it ({@link PluggedMechanism}): tells woven bodies
 * apart and makes {@link SoftStrand}s. The concepts' layer plugs it in ({@link #install}); the
 * switching layer does not know it.
 *
 * <p>Algorithm of {@link #canRun}: the class that holds the body's code is the body's own class,
 * unless it is a lambda proxy (a hidden class); then it is the lambda's implementation class, read
 * from its {@link SerializedLambda} ({@link TaskletBody} is serializable), or failing that the
 * proxy's nest host. A class counts as woven when it carries the {@link Woven} stamp; both answers
 * are cached per class in {@link ClassValue}s.
 */
public final class SoftRuntime implements PluggedMechanism, StrandFactory {
    private static final SoftRuntime INSTANCE = new SoftRuntime();

    private static final ClassValue<Boolean> WOVEN = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            return c.isAnnotationPresent(Woven.class);
        }
    };

    /** Per body class: {0} not yet known, {1} woven, {2} not woven (filled from the first instance). */
    private static final ClassValue<byte[]> BODY_WOVEN = new ClassValue<>() {
        @Override
        protected byte[] computeValue(Class<?> c) {
            return new byte[1];
        }
    };

    private SoftRuntime() {
    }

    /** Plugs the soft mechanism into {@link Switching} (by the layer above both, once). */
    public static void install() {
        Switching.plug(INSTANCE);
    }

    /** True if {@code c} carries the weaver's stamp. */
    public static boolean isWovenClass(Class<?> c) {
        return WOVEN.get(c);
    }

    @Override
    public Mechanism mechanism() {
        return Mechanism.SOFT;
    }

    @Override
    public boolean canRun(Object body) {
        byte[] state = BODY_WOVEN.get(body.getClass());
        if (state[0] == 0) {
            Class<?> impl = codeClass(body);
            state[0] = (byte) (impl != null && isWovenClass(impl) ? 1 : 2);
        }
        return state[0] == 1;
    }

    @Override
    public StrandFactory factory() {
        return this;
    }

    @Override
    public String cannotRun(Object body) {
        return "soft switching is forced but the body " + body.getClass().getName()
                + " is not woven: weave it (jstackless-maven-plugin or -javaagent)";
    }

    /** A soft strand entering {@code body} (a woven {@link TaskletBody}: soft frames start at its {@code run}). */
    @Override
    public Strand create(Object body, StrandEntry entry) {
        return new SoftStrand((TaskletBody) body, entry);
    }

    /**
     * A hard strand run nested on this thread (a hard generator body inside a soft tasklet): no soft
     * strand runs while it does, so the chain checks do not apply to its code.
     */
    @Override
    public Object enterForeignNested() {
        SoftContext c = SoftContext.current();
        FrameStore s = c.strand;
        c.strand = null;
        return s;
    }

    @Override
    public void exitForeignNested(Object saved) {
        SoftContext.current().strand = (FrameStore) saved;
    }

    private static Class<?> codeClass(Object body) {
        Class<?> c = body.getClass();
        if (!c.isHidden()) {
            return c;
        }
        if (body instanceof Serializable) {
            try {
                Method m = c.getDeclaredMethod("writeReplace");
                m.setAccessible(true);
                if (m.invoke(body) instanceof SerializedLambda sl) {
                    ClassLoader l = c.getClassLoader();
                    return Class.forName(sl.getImplClass().replace('/', '.'), false, l);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // fall through to the nest host
            }
        }
        return c.getNestHost();
    }
}
