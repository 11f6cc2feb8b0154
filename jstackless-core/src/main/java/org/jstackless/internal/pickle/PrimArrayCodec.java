package org.jstackless.internal.pickle;

import java.lang.reflect.Array;

/**
 * An array of a primitive type: the element type's index in {@link Kinds#PRIM_ARRAYS}, the
 * length, the elements at fixed width (so a reader's array never takes more memory than its
 * bytes in the pickle).
 */
final class PrimArrayCodec implements Codec {
    @Override
    public int tag() {
        return Kinds.PARRAY;
    }

    @Override
    public String name() {
        return "array";
    }

    @Override
    public boolean writes(Class<?> c) {
        return c.isArray() && c.getComponentType().isPrimitive();
    }

    @Override
    public void write(Object o, ObjectWriter wr, Object ctx) {
        Out w = wr.out();
        int t = java.util.Arrays.asList(Kinds.PRIM_ARRAYS).indexOf(o.getClass().getComponentType());
        w.u8(Kinds.PARRAY);
        w.u8(t);
        w.uvar(Array.getLength(o));
        switch (o) {
            case boolean[] a -> { for (boolean v : a) w.u8(v ? 1 : 0); }
            case byte[] a -> w.bytes(a);
            case short[] a -> { for (short v : a) w.fixed16(v); }
            case char[] a -> { for (char v : a) w.fixed16(v); }
            case int[] a -> { for (int v : a) w.fixed32(v); }
            case long[] a -> { for (long v : a) w.fixed64(v); }
            case float[] a -> { for (float v : a) w.fixed32(Float.floatToRawIntBits(v)); }
            case double[] a -> { for (double v : a) w.fixed64(Double.doubleToRawLongBits(v)); }
            default -> throw new IllegalStateException();
        }
    }

    @Override
    public void parse(In in, ObjectReader r, int id) {
        r.entry(id, 0, 0, read(in), null);
    }

    private static Object read(In in) {
        int t = in.u8();
        if (t >= Kinds.PRIM_ARRAYS.length) {
            throw In.bad("primitive array type " + t);
        }
        int len = in.count("array length", Integer.MAX_VALUE - 16, new int[] {1, 1, 2, 2, 4, 8, 4, 8}[t]);
        switch (t) {
            case 0 -> {
                boolean[] a = new boolean[len];
                for (int i = 0; i < len; i++) {
                    a[i] = in.u8() != 0;
                }
                return a;
            }
            case 1 -> {
                return in.bytes(len);
            }
            case 2 -> {
                short[] a = new short[len];
                for (int i = 0; i < len; i++) {
                    a[i] = (short) in.fixed16();
                }
                return a;
            }
            case 3 -> {
                char[] a = new char[len];
                for (int i = 0; i < len; i++) {
                    a[i] = (char) in.fixed16();
                }
                return a;
            }
            case 4 -> {
                int[] a = new int[len];
                for (int i = 0; i < len; i++) {
                    a[i] = in.fixed32();
                }
                return a;
            }
            case 5 -> {
                long[] a = new long[len];
                for (int i = 0; i < len; i++) {
                    a[i] = in.fixed64();
                }
                return a;
            }
            case 6 -> {
                float[] a = new float[len];
                for (int i = 0; i < len; i++) {
                    a[i] = Float.intBitsToFloat(in.fixed32());
                }
                return a;
            }
            default -> {
                double[] a = new double[len];
                for (int i = 0; i < len; i++) {
                    a[i] = Double.longBitsToDouble(in.fixed64());
                }
                return a;
            }
        }
    }

    @Override
    public Object create(ObjectReader r, int id) {
        return r.payload(id);
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return r.payload(id).getClass();
    }

    @Override
    public String describe(ObjectReader r, int id) {
        Object a = r.payload(id);
        return a.getClass().getComponentType().getName() + "[" + Array.getLength(a) + "] #" + id;
    }
}
