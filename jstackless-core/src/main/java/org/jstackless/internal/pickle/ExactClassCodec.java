package org.jstackless.internal.pickle;

/**
 * The common part of a codec for exactly one class (no subclasses): its kind byte, the class, and
 * the answers that follow from them. Subclasses write, parse and create; they use {@link #tag} and
 * {@link #type} rather than keeping their own copies.
 */
public abstract class ExactClassCodec implements Codec {
    /** The kind byte of this codec's entries. */
    protected final int tag;
    /** The one class this codec writes and creates. */
    protected final Class<?> type;

    protected ExactClassCodec(int tag, Class<?> type) {
        this.tag = tag;
        this.type = type;
    }

    @Override
    public final int tag() {
        return tag;
    }

    @Override
    public String name() {
        return type.getSimpleName();
    }

    @Override
    public final boolean writes(Class<?> c) {
        return c == type;
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return type;
    }
}
