package org.jstackless.internal.pickle;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry of pickled kinds: one {@link Codec} per kind, found by its tag when reading and by
 * the class of the object when writing. {@link ObjectWriter} and {@link ObjectReader} only walk
 * the graph and the table; everything about a kind is in its codec.
 *
 * <p>Invariants:
 * <ul>
 * <li>Tags are the format: each codec has its own ({@link Kinds} lists them), never reused or
 *     renumbered; a new kind takes a new number and leaves the others' bytes as they are (then
 *     older pickles still load, and a pickle with the new kind is refused by an older program as
 *     an unknown kind).</li>
 * <li>Writing: the first codec, in registry order, whose {@link Codec#writes} accepts an object's
 *     class writes it (decided once per class and cached). The runtime's codecs come first (the
 *     pickler's, then those {@link #contribute contributed} by the sync primitives), then the specific built-ins, then the catch-alls: lambdas (any hidden class) and plain objects
 *     (any other class, which that codec allows or refuses).</li>
 * <li>Reading creates nothing of the program in {@link Codec#parse}; {@link Codec#create} and
 *     {@link Codec#complete} resolve classes only through the allow-list (data) or the pickler's
 *     code resolver (lambdas), and check what they build (types, states), so a forged pickle is
 *     refused with a {@code NotPicklableException} ({@link PickleErrors}).</li>
 * <li>Codecs hold no state: what one dump or load shares (the method table, the strands made)
 *     is the writer's or reader's {@code context()}.</li>
 * </ul>
 *
 * <p>Adding a pickled type (docs/pickling.md, "Adding a pickled type"): write a class implementing
 * {@link Codec} (in this package for data kinds; in {@code org.jstackless}, package-private, for a
 * concept of the runtime, reading the concept only through a small snapshot record it produces,
 * as {@code CoroutineCodec} reads {@code CoroutineSnapshot}); give it the next free tag in
 * {@link Kinds}; add it to {@link #BUILTIN} before the catch-alls, or to the runtime list
 * {@code Pickler} installs; add a round-trip test and a fuzz case (a malformed entry must be
 * refused), and a line in docs/pickling.md. The format version stays the same: the change only
 * adds a kind.
 */
public final class Codecs {
    /** The built-in data kinds, in writing order (the catch-alls last). */
    static final List<Codec> BUILTIN = List.of(new StringCodec(), BoxCodec.BOOL, BoxCodec.BYTE, BoxCodec.SHORT,
            BoxCodec.CHAR, BoxCodec.INT, BoxCodec.LONG, BoxCodec.FLOAT, BoxCodec.DOUBLE, new EnumCodec(), new RecordCodec(),
            new PrimArrayCodec(), new ObjArrayCodec(), new ListCodec(), MapCodec.HASH, MapCodec.LINKED,
            new LambdaCodec(), new PlainCodec());

    private static volatile Codecs standard;
    /** Installed by the pickler: the runtime's codecs (null: not yet). */
    private static List<Codec> runtime;
    /** Contributed by packages of the runtime with kinds of their own (org.jstackless.sync). */
    private static final List<Codec> CONTRIBUTED = new ArrayList<>();

    private final Codec[] byTag = new Codec[256];
    private final List<Codec> order;
    private final ClassValue<Codec> byClass = new ClassValue<>() {
        @Override
        protected Codec computeValue(Class<?> c) {
            for (Codec k : order) {
                if (k.writes(c)) {
                    return k;
                }
            }
            throw new IllegalStateException("no codec for " + c.getName()); // the plain codec takes any class
        }
    };

    private Codecs(List<Codec> order) {
        this.order = List.copyOf(order);
        for (Codec c : order) {
            if (byTag[c.tag()] != null) {
                throw new IllegalStateException("two codecs with tag " + c.tag() + ": " + byTag[c.tag()].name() + ", "
                        + c.name());
            }
            byTag[c.tag()] = c;
        }
    }

    /**
     * Called once by the runtime ({@code org.jstackless.Pickler}'s initialisation) with its
     * codecs (the tasklet itself, greenlets, generators, channels, ...), which come before the
     * built-ins, and its classes that are always allowed like the built-in ones (channels).
     */
    public static synchronized void install(List<Codec> runtime, List<Class<?>> alwaysAllowed) {
        if (Codecs.runtime == null) {
            alwaysAllowed.forEach(ObjectReader::addBuiltin);
            Codecs.runtime = List.copyOf(runtime);
            build();
        }
    }

    /**
     * Called by a package of the runtime with pickled kinds of its own, from its initialisation
     * (which the pickler triggers before it installs its codecs): they come after the pickler's.
     */
    public static synchronized void contribute(List<Codec> codecs) {
        CONTRIBUTED.addAll(codecs);
        if (runtime != null) {
            build();
        }
    }

    private static void build() {
        List<Codec> all = new ArrayList<>(runtime);
        all.addAll(CONTRIBUTED);
        all.addAll(BUILTIN);
        standard = new Codecs(all);
    }

    /** The registry every pickler uses: the runtime's codecs, then the built-ins. */
    public static Codecs standard() {
        Codecs s = standard;
        if (s == null) {
            throw new IllegalStateException("no codecs yet: the runtime installs them when org.jstackless.Pickler "
                    + "initialises (a decoder used on its own must initialise it first)");
        }
        return s;
    }

    /** The codec of entries with kind byte {@code tag}, or null if there is none. */
    Codec forTag(int tag) {
        return byTag[tag];
    }

    /** The codec that writes objects of class {@code c}. */
    Codec forClass(Class<?> c) {
        return byClass.get(c);
    }
}
