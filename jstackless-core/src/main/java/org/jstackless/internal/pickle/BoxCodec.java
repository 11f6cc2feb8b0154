package org.jstackless.internal.pickle;

/**
 * The boxed primitives, one codec (instance) per kind: the value in the long slot. Integers are
 * zigzag varints, floating point numbers their raw bits at fixed width.
 */
final class BoxCodec extends ExactClassCodec {
    static final BoxCodec BOOL = new BoxCodec(Kinds.BOOL, Boolean.class);
    static final BoxCodec BYTE = new BoxCodec(Kinds.BYTE, Byte.class);
    static final BoxCodec SHORT = new BoxCodec(Kinds.SHORT, Short.class);
    static final BoxCodec CHAR = new BoxCodec(Kinds.CHAR, Character.class);
    static final BoxCodec INT = new BoxCodec(Kinds.INT, Integer.class);
    static final BoxCodec LONG = new BoxCodec(Kinds.LONG, Long.class);
    static final BoxCodec FLOAT = new BoxCodec(Kinds.FLOAT, Float.class);
    static final BoxCodec DOUBLE = new BoxCodec(Kinds.DOUBLE, Double.class);

    private BoxCodec(int tag, Class<?> type) {
        super(tag, type);
    }

    @Override
    public void write(Object o, ObjectWriter wr, Object ctx) {
        Out w = wr.out();
        w.u8(tag);
        switch (o) {
            case Boolean b -> w.u8(b ? 1 : 0);
            case Byte b -> w.svar(b);
            case Short b -> w.svar(b);
            case Character b -> w.uvar(b);
            case Integer b -> w.svar(b);
            case Long b -> w.svar(b);
            case Float b -> w.fixed32(Float.floatToRawIntBits(b));
            case Double b -> w.fixed64(Double.doubleToRawLongBits(b));
            default -> throw new IllegalStateException(o.getClass().getName());
        }
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        long v = switch (tag) {
            case Kinds.BOOL -> {
                int b = in.u8();
                if (b > 1) {
                    throw In.bad("boolean " + b);
                }
                yield b;
            }
            case Kinds.CHAR -> in.uvar();
            case Kinds.FLOAT -> in.fixed32();
            case Kinds.DOUBLE -> in.fixed64();
            default -> in.svar();
        };
        r.entry(id, 0, v, null, null);
    }

    @Override
    public Object create(ObjectReader r, int id) {
        long v = r.prim(id);
        return switch (tag) {
            case Kinds.BOOL -> v != 0;
            case Kinds.BYTE -> (byte) v;
            case Kinds.SHORT -> (short) v;
            case Kinds.CHAR -> (char) v;
            case Kinds.INT -> (int) v;
            case Kinds.LONG -> v;
            case Kinds.FLOAT -> Float.intBitsToFloat((int) v);
            default -> Double.longBitsToDouble(v);
        };
    }

    @Override
    public String describe(ObjectReader r, int id) {
        long v = r.prim(id);
        return switch (tag) {
            case Kinds.BOOL -> "boolean " + (v != 0);
            case Kinds.CHAR -> "Character '" + (char) v + "'";
            case Kinds.FLOAT -> "Float " + Float.intBitsToFloat((int) v);
            case Kinds.DOUBLE -> "Double " + Double.longBitsToDouble(v);
            default -> name() + " " + v;
        };
    }
}
