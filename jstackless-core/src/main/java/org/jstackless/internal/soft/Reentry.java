package org.jstackless.internal.soft;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A woven class's re-entry dispatcher, as an object the soft runtime can call: {@code reenter(i,
 * self)} calls the class's {@code i}-th re-entered method on {@code self} (ignored for a static
 * method) with default arguments and returns its result boxed. The weaver adds the dispatcher to
 * each woven class as {@code private static synthetic Object jsl$reenter(int, Object)}, a
 * {@code tableswitch} of direct calls, and names each method's {@link MethodInfo} constant
 * {@code jslInfo#i}. One implementation per class (made by {@link LambdaMetafactory}) replaces one
 * method handle per method: an interface call the JIT can inline where few classes are re-entered,
 * and a plain virtual call elsewhere, where a non-constant {@code MethodHandle.invokeExact} goes
 * through a chain of lambda forms it cannot inline.
 */
public interface Reentry {
    /** The dispatcher's name in a woven class. */
    String DISPATCHER = "jsl$reenter";
    /** The dispatcher's descriptor: {@code static Object jsl$reenter(int index, Object self)}. */
    String DISPATCHER_DESC = "(ILjava/lang/Object;)Ljava/lang/Object;";

    /** Re-enters method {@code index} of the class on {@code self}; returns its result, boxed. */
    Object reenter(int index, Object self);

    /** The dispatcher of the class of {@code lookup} (a full-privilege lookup), made once per class. */
    static Reentry of(MethodHandles.Lookup lookup) throws ReflectiveOperationException {
        Class<?> owner = lookup.lookupClass();
        AtomicReference<Reentry> ref = Holder.BY_CLASS.get(owner);
        Reentry r = ref.get();
        if (r != null) {
            return r;
        }
        MethodType mt = MethodType.methodType(Object.class, int.class, Object.class);
        MethodHandle impl = lookup.findStatic(owner, DISPATCHER, mt);
        try {
            CallSite cs = LambdaMetafactory.metafactory(lookup, "reenter", MethodType.methodType(Reentry.class), mt,
                    impl, mt);
            r = (Reentry) cs.getTarget().invokeExact();
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return ref.compareAndSet(null, r) ? r : ref.get();
    }

    /** Per-class cache of {@link #of}. */
    final class Holder {
        static final ClassValue<AtomicReference<Reentry>> BY_CLASS = new ClassValue<>() {
            @Override
            protected AtomicReference<Reentry> computeValue(Class<?> c) {
                return new AtomicReference<>();
            }
        };

        private Holder() {
        }
    }
}
