package org.jstackless.internal.pickle;

/** An allowed enum's constant: its class and name (a constant with a body pickles as its enum's). */
final class EnumCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.ENUM;
    }

    @Override
    public String name() {
        return "enum";
    }

    @Override
    public boolean writes(Class<?> c) {
        return Enum.class.isAssignableFrom(c);
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        Enum<?> e = (Enum<?>) o;
        Class<?> ec = e.getDeclaringClass();
        w.requireAllowed(ec, o.getClass(), ctx);
        w.out().u8(Kinds.ENUM);
        w.out().uvar(w.cls(ec));
        w.out().str(e.name());
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        int c = in.index("class index", r.classNames.length);
        r.entry(id, c, 0, in.str(), null);
    }

    @Override
    public Object create(ObjectReader r, int id) {
        Class<?> c = r.resolve(r.cls(id), false);
        if (!c.isEnum()) {
            throw PickleErrors.notPicklable("malformed pickle: " + c.getName() + " is not an enum");
        }
        for (Object e : c.getEnumConstants()) {
            if (((Enum<?>) e).name().equals(r.payload(id))) {
                return e;
            }
        }
        throw PickleErrors.notPicklable("enum " + c.getName() + " has no constant " + r.payload(id)
                + " (the program changed since the pickle was made?)");
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return r.resolve(r.cls(id), false);
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return r.classNames[r.cls(id)] + "." + r.payload(id);
    }
}
