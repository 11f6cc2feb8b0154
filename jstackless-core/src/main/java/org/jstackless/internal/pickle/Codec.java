package org.jstackless.internal.pickle;

/**
 * One pickled kind: how its objects are written as entries of the object table and read back.
 * Registered in {@link Codecs}, which says how to add one. A codec is stateless (what one dump or
 * load needs is in {@link ObjectWriter#context()} / {@link ObjectReader#context()}), so one
 * instance serves every pickler and thread.
 *
 * <p>Reading is in two steps: {@link #parse} decodes bytes into the reader's flat table (bounds
 * checked, nothing of the program touched); {@link #create} and {@link #complete} build the
 * object once the objects it refers to exist ({@link ObjectReader#materialize}).
 */
public interface Codec {
    /** The kind byte heading this kind's entries: unique in the registry, part of the format, never reused. */
    int tag();

    /** A short name of the kind, for messages. */
    String name();

    /**
     * Whether this codec writes objects of class {@code c}. Asked once per class, in registry
     * order: the first codec that says yes writes every object of that class (and may refuse one).
     */
    boolean writes(Class<?> c);

    /**
     * Writes {@code o}'s entry: {@link #tag} first, to {@link ObjectWriter#out()}; refers to other
     * objects by {@link ObjectWriter#ref} ids. Throws {@code NotPicklableException} ({@link PickleErrors})
     * naming {@code ctx} (where {@code o} was found) when {@code o} cannot be pickled.
     */
    void write(Object o, ObjectWriter w, Object ctx);

    /**
     * Decodes the body of entry {@code id} (after its tag) into {@code r}'s table
     * ({@link ObjectReader#entry}); every length and id checked against the input, nothing created.
     */
    void parse(In in, ObjectReader r, int id);

    /**
     * Step 1 of creating: the object of entry {@code id}, or null if it can only be made once the
     * objects it refers to exist (then {@link #complete} makes it).
     */
    Object create(ObjectReader r, int id);

    /** Whether the object {@link #create} made is mutable and filled later by {@link #complete} (breaks cycles). */
    default boolean container() {
        return false;
    }

    /**
     * Step 2, once every object entry {@code id} refers to ({@link ObjectReader#refs}) exists, or
     * (for a container) to break a cycle: returns the object, made now or filled now.
     */
    default Object complete(ObjectReader r, int id) {
        throw new IllegalStateException(name() + " entries are complete when created");
    }

    /** The ids whose hash codes make entry {@code id}'s, for the map key check ({@link KeyCheck}); null: none. */
    default int[] hashChildren(ObjectReader r, int id) {
        return null;
    }

    /**
     * The class the object of entry {@code id} will have, known before anything is created
     * (resolving class names only through the allow-list); null when it is known only once
     * created (a lambda).
     */
    Class<?> classOf(ObjectReader r, int id);

    /** A short description of entry {@code id} from the parsed table only (the inspector). */
    String describe(ObjectReader r, int id);

    /** The frame records entry {@code id} holds (a suspended coroutine's), checked like the tasklet's; null: none. */
    default Payload.FrameRec[] frames(ObjectReader r, int id) {
        return null;
    }
}
