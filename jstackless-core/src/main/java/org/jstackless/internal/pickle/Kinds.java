package org.jstackless.internal.pickle;

/**
 * The kind bytes of the object table's entries: one per {@link Codec} (the codec's {@link
 * Codec#tag}), listed here so a new kind takes a free number. Part of the format: never reuse or
 * renumber one.
 */
final class Kinds {
    static final int STRING = 1;
    static final int BOOL = 2;
    static final int BYTE = 3;
    static final int SHORT = 4;
    static final int CHAR = 5;
    static final int INT = 6;
    static final int LONG = 7;
    static final int FLOAT = 8;
    static final int DOUBLE = 9;
    static final int ENUM = 10;
    static final int RECORD = 11;
    static final int PARRAY = 12;
    static final int OARRAY = 13;
    static final int LIST = 14;
    static final int MAP = 15;
    static final int LMAP = 16;
    static final int CHANNEL = 17;
    static final int SELF = 18;
    static final int LAMBDA = 19;
    /** A coroutine-based concept object with soft frames of its own (a greenlet): see {@code org.jstackless.CoroutineCodec}. */
    static final int COROUTINE = 20;
    /** The strand body of a pickled coroutine (the receiver of its outermost frame). */
    static final int CORO_STRAND = 21;
    /** The yielder a generator's body was given (stands for the restored generator's). */
    static final int YIELDER = 22;
    /** An allowed ordinary class, field by field (see {@link Fields}). */
    static final int PLAIN = 23;
    // 24..29: org.jstackless.sync's Lock, Semaphore, Event, Condition, wait queue, waiter (SyncCodecs).
    /** A select: its cases, default, timeout (see {@code org.jstackless.SelectCodec}). */
    static final int SELECT = 30;

    /** Primitive array element types, in this order. */
    static final Class<?>[] PRIM_ARRAYS = {boolean.class, byte.class, short.class, char.class, int.class, long.class,
        float.class, double.class};

    /**
     * Built-in classes: always allowed (as array components and record components); the runtime
     * adds its own (channels) when it installs its codecs ({@link Codecs#install}).
     */
    static final Class<?>[] BUILTIN = {Object.class, String.class, Boolean.class, Byte.class, Short.class,
        Character.class, Integer.class, Long.class, Float.class, Double.class, Number.class, CharSequence.class,
        java.util.List.class, java.util.Map.class, java.util.ArrayList.class, java.util.HashMap.class,
        java.util.LinkedHashMap.class};

    private Kinds() {
    }
}
