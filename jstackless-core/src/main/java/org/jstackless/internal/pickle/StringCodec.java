package org.jstackless.internal.pickle;

/** {@link String}: its UTF-8 bytes. */
final class StringCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.STRING;
    }

    @Override
    public String name() {
        return "String";
    }

    @Override
    public boolean writes(Class<?> c) {
        return c == String.class;
    }

    @Override
    public void write(Object o, ObjectWriter w, Object ctx) {
        w.out().u8(Kinds.STRING);
        w.out().str((String) o);
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        r.entry(id, 0, 0, in.str(), null);
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return r.payload(id);
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return String.class;
    }

    @Override
    public String describe(ObjectReader r, int id) {
        return "String " + ObjectReader.quote((String) r.payload(id));
    }
}
