package org.jstackless.internal.pickle;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A serializable lambda or method reference, through its {@link SerializedLambda}: its capturing
 * class (code: only checked against the pickler's code restriction, and resolved by the pickler's
 * code resolver when loading), the functional interface and implementation method, and the
 * captured values' ids. Takes every hidden class, refusing those that are not Serializable.
 */
final class LambdaCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.LAMBDA;
    }

    @Override
    public String name() {
        return "lambda";
    }

    @Override
    public boolean writes(Class<?> c) {
        return c.isHidden();
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Class<?> c = o.getClass();
        if (!(o instanceof Serializable)) {
            throw w.refuse(c, ctx, "a lambda or method reference that is not Serializable (its functional "
                    + "interface must extend java.io.Serializable, as TaskletBody does)");
        }
        SerializedLambda sl;
        try {
            Method m = c.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            sl = (SerializedLambda) m.invoke(o);
        } catch (java.lang.reflect.InaccessibleObjectException e) {
            throw w.refuse(c, ctx, "cannot read the lambda's SerializedLambda: " + Fields.opensHint(c));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw w.refuse(c, ctx, "cannot read the lambda's SerializedLambda: " + e);
        }
        String cap = sl.getCapturingClass().replace('/', '.');
        Class<?> capturing;
        try {
            capturing = Class.forName(cap, false, c.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw w.refuse(c, ctx, "its capturing class " + cap + " cannot be found");
        }
        String notCode = w.code.apply(capturing);
        if (notCode != null) {
            throw w.refuse(c, ctx, notCode);
        }
        int n = sl.getCapturedArgCount();
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = w.ref(sl.getCapturedArg(i), ctx);
        }
        Out out = w.out();
        out.u8(Kinds.LAMBDA);
        out.uvar(w.cls(capturing));
        out.str(sl.getFunctionalInterfaceClass());
        out.str(sl.getFunctionalInterfaceMethodName());
        out.str(sl.getFunctionalInterfaceMethodSignature());
        out.uvar(sl.getImplMethodKind());
        out.str(sl.getImplClass());
        out.str(sl.getImplMethodName());
        out.str(sl.getImplMethodSignature());
        out.str(sl.getInstantiatedMethodType());
        out.uvar(n);
        for (int x : r) {
            out.uvar(x);
        }
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        int c = in.index("class index", r.classNames.length);
        String[] s = new String[8];
        for (int j = 0; j < 3; j++) {
            s[j] = in.str();
        }
        long kindRef = in.uvar();
        if (kindRef < 1 || kindRef > 9) {
            throw In.bad("method handle kind " + kindRef);
        }
        for (int j = 3; j < 7; j++) {
            s[j] = in.str();
        }
        r.entry(id, c, kindRef, s, r.ids(in));
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return null; // once its captured values exist
    }

    @Override
    public Object complete(ObjectReader rd, int id) {
        Class<?> capturing = rd.code.apply(rd.classNames[rd.cls(id)]);
        String[] s = (String[]) rd.payload(id);
        int[] r = rd.refs(id);
        Object[] captured = new Object[r.length];
        for (int i = 0; i < r.length; i++) {
            captured[i] = rd.created(r[i]);
        }
        try {
            SerializedLambda sl = new SerializedLambda(capturing, s[0], s[1], s[2], (int) rd.prim(id), s[3], s[4], s[5],
                    s[6], captured);
            Method m = capturing.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            m.setAccessible(true);
            return m.invoke(null, sl);
        } catch (InvocationTargetException e) {
            throw PickleErrors.notPicklable("cannot recreate lambda " + s[4] + s[5] + " of " + capturing.getName() + ": "
                    + e.getCause(), e.getCause());
        } catch (NoSuchMethodException e) {
            throw PickleErrors.notPicklable("cannot recreate lambda " + s[4] + " of " + capturing.getName()
                    + ": the class has no serializable lambdas", e);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw PickleErrors.notPicklable("cannot recreate lambda " + s[4] + " of " + capturing.getName() + ": " + e, e);
        }
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return null; // its class exists only once it is created
    }

    @Override
    public String describe(ObjectReader r, int id) {
        String[] s = (String[]) r.payload(id);
        return "lambda " + s[3].replace('/', '.') + "::" + s[4] + " #" + id;
    }
}
