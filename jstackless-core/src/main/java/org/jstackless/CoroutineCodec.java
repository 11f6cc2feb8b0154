package org.jstackless;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.internal.pickle.Codec;
import org.jstackless.internal.pickle.In;
import org.jstackless.internal.pickle.ObjectReader;
import org.jstackless.internal.pickle.ObjectWriter;
import org.jstackless.internal.pickle.Out;
import org.jstackless.internal.pickle.Payload;
import org.jstackless.internal.soft.Frame;

/**
 * The coroutine concepts with soft frames of their own: a {@link Greenlet} (suspended soft ones
 * with their frames, parent and mailbox; unstarted ones with their run function and parent; dead
 * ones; the main greenlet, which stands for the loading thread's) and a {@link Generator}
 * (suspended in a yield on a soft strand, with its frames; not started, with its body; finished).
 * Reads them only through their {@link CoroutineSnapshot}; restores them through their own
 * restoring methods.
 *
 * <p>Entry: concept (greenlet, generator), state ({@link Payload#CO_DEAD}, {@link
 * Payload#CO_SUSPENDED}, {@link Payload#CO_MAIN}, {@link Payload#CO_UNSTARTED}), two ids whose
 * meaning depends on them (a suspended greenlet: parent, mailbox; unstarted: parent, run function
 * or body; 0: none), the frames (count, then records as the tasklet's).
 *
 * <p>Loading is in three steps: {@link #create} makes a shell (the loading thread's main greenlet,
 * a finished or placeholder generator, a greenlet without code), {@link #complete} makes an
 * unstarted one from its parent and code, and {@link #restore} (after every object exists)
 * checks parents and builds the strands, returning the links that make the shells suspended: the
 * pickler runs them once nothing of the load can fail.
 */
final class CoroutineCodec implements Codec {
    /** What a dump gives the codecs ({@link ObjectWriter#context()}): how a frame is written. */
    interface FrameWriter {
        void write(Out w, Frame f);
    }

    /** What a load shares ({@link ObjectReader#context()}): one strand body per restored concept. */
    static final class Load {
        private final Map<Object, Coroutine.CoroStrand> strands = new IdentityHashMap<>();

        /** The strand body of a restored greenlet or generator (the receiver of its outermost frame). */
        Coroutine.CoroStrand strand(Object owner) {
            return strands.computeIfAbsent(owner, o -> o instanceof Generator<?> g ? g.newStrandBody()
                    : ((Greenlet) o).newStrandBody());
        }
    }

    /** Makes frames from records (the pickler's: it holds the method table); {@code chain} prefixes messages. */
    interface FrameMaker {
        Frame[] frames(Payload.FrameRec[] recs, String chain);
    }

    /** A parsed entry's links and frames. */
    private record Entry(int parent, int mailbox, Payload.FrameRec[] frames) {
    }

    private static final Frame[] NO_FRAMES = new Frame[0];

    /** The body of a restored generator shell: never runs (its strand is the restored one). */
    private static final GeneratorBody<Object> NEVER_RUNS = y -> {
        throw new IllegalStateException("a restored generator's placeholder body ran");
    };

    @Override
    public int tag() {
        return Payload.COROUTINE;
    }

    @Override
    public String name() {
        return "coroutine";
    }

    @Override
    public boolean writes(Class<?> c) {
        return Greenlet.class.isAssignableFrom(c) || c == Generator.class || c == Coroutine.class;
    }

    // ---------------------------------------------------------------- writing

    @Override
    public void write(Object o, ObjectWriter ow, Object ctx) {
        switch (o) {
            case Generator<?> gen -> writeGenerator(gen, ow, ctx);
            case Greenlet g -> writeGreenlet(g, ow, ctx);
            default -> throw new NotPicklableException("cannot pickle " + o + " (reached from " + ctx + "): a plain "
                    + "coroutine does not pickle; greenlets do");
        }
    }

    private static void entry(ObjectWriter ow, int concept, int state, int ref1, int ref2, Frame[] frames) {
        Out w = ow.out();
        w.u8(Payload.COROUTINE);
        w.u8(concept);
        w.u8(state);
        w.uvar(ref1);
        w.uvar(ref2);
        w.uvar(frames.length);
        for (Frame f : frames) {
            ((FrameWriter) ow.context()).write(w, f);
        }
    }

    private static void writeGreenlet(Greenlet g, ObjectWriter ow, Object ctx) {
        String what = "cannot pickle greenlet " + g + " (reached from " + ctx + "): ";
        if (g.getClass() != Greenlet.class) {
            throw new NotPicklableException(what + "only Greenlet itself pickles, not a subclass ("
                    + g.getClass().getName() + "): pass a GreenletBody instead of overriding run");
        }
        CoroutineSnapshot s = g.snapshot();
        switch (s.phase()) {
            case MAIN -> entry(ow, Payload.CONCEPT_GREENLET, Payload.CO_MAIN, 0, 0, NO_FRAMES);
            case DEAD -> entry(ow, Payload.CONCEPT_GREENLET, Payload.CO_DEAD, 0, 0, NO_FRAMES);
            case BOUND -> {
                // Not started: its run function (a serializable lambda) and its parent.
                if (s.body() == null) {
                    throw new NotPicklableException(what + "it has no run function");
                }
                if (s.parent() == null) {
                    throw new NotPicklableException(what + "its parent is not a greenlet");
                }
                entry(ow, Payload.CONCEPT_GREENLET, Payload.CO_UNSTARTED, ow.ref(s.parent(), ctx + " (parent of " + g + ")"),
                        ow.ref(s.body(), ctx + " (run function of " + g + ")"), NO_FRAMES);
            }
            case UNBOUND -> throw new NotPicklableException(what + "it is not bound to a run function");
            case RUNNING -> throw new NotPicklableException(what + "it is running (the current greenlet of its thread)");
            case HARD -> throw new NotPicklableException(what + "it is hard (its frames live on a JDK continuation or a "
                    + "thread): only soft greenlets pickle; weave its code and keep soft switching on");
            case ELSEWHERE -> throw new NotPicklableException(what + "it is suspended in a tasklet operation (schedule, a "
                    + "channel, ...) made inside it, not in a greenlet switch");
            case SUSPENDED -> {
                if (s.parent() == null) {
                    throw new NotPicklableException(what + "its parent is not a greenlet");
                }
                entry(ow, Payload.CONCEPT_GREENLET, Payload.CO_SUSPENDED, ow.ref(s.parent(), ctx + " (parent of " + g + ")"),
                        ow.ref(s.mailbox(), ctx + " (mailbox of " + g + ")"), s.frames());
            }
        }
    }

    /**
     * A generator: finished; not started (its body, a serializable lambda); or suspended in a
     * yield on a soft strand, with its frames (the yielder its body holds pickles as "the yielder
     * of this generator": {@link YielderCodec}). A buffered value (hasNext() called, next() not
     * yet) is refused.
     */
    private static void writeGenerator(Generator<?> gen, ObjectWriter ow, Object ctx) {
        String what = "cannot pickle " + gen + " (reached from " + ctx + "): ";
        if (gen.isFinished()) {
            entry(ow, Payload.CONCEPT_GENERATOR, Payload.CO_DEAD, 0, 0, NO_FRAMES);
            return;
        }
        if (gen.hasBuffered()) {
            throw new NotPicklableException(what + "it holds a value produced by hasNext() and not yet taken by next(); "
                    + "pickle it before hasNext() or after next()");
        }
        CoroutineSnapshot s = gen.snapshot();
        switch (s.phase()) {
            case BOUND -> entry(ow, Payload.CONCEPT_GENERATOR, Payload.CO_UNSTARTED, 0,
                    ow.ref(s.body(), ctx + " (body of " + gen + ")"), NO_FRAMES);
            case HARD -> throw new NotPicklableException(what + "its body is hard (a JDK continuation): only soft "
                    + "generators pickle; weave the body and keep soft switching on when creating the generator");
            case ELSEWHERE -> throw new NotPicklableException(what + "its body is suspended in something other than a yield");
            case SUSPENDED -> entry(ow, Payload.CONCEPT_GENERATOR, Payload.CO_SUSPENDED, 0, 0, s.frames());
            default -> throw new NotPicklableException(what + "it is running");
        }
    }

    // ---------------------------------------------------------------- reading

    @Override
    public void parse(In in, ObjectReader r, int id) {
        int concept = in.u8();
        if (concept > Payload.CONCEPT_GENERATOR) {
            throw In.bad("coroutine concept " + concept);
        }
        int st = in.u8();
        if (concept == Payload.CONCEPT_GENERATOR && st == Payload.CO_MAIN) {
            throw In.bad("a generator in state main");
        }
        if (st > Payload.CO_UNSTARTED) {
            throw In.bad("coroutine state " + st);
        }
        int parent = r.readId(in, "parent id");
        int mailbox = r.readId(in, "mailbox id");
        int nf = r.frameCount(in);
        if ((nf > 0) != (st == Payload.CO_SUSPENDED)) {
            throw In.bad(nf + " frames in coroutine state " + st);
        }
        Payload.FrameRec[] frames = r.readFrames(in, nf);
        // An unstarted greenlet is created from its parent and run function: after them.
        r.entry(id, concept, st, new Entry(parent, mailbox, frames),
                st == Payload.CO_UNSTARTED ? new int[] {parent, mailbox} : null);
    }

    private static boolean isGenerator(ObjectReader r, int id) {
        return r.cls(id) == Payload.CONCEPT_GENERATOR;
    }

    private static int state(ObjectReader r, int id) {
        return (int) r.prim(id);
    }

    @Override
    public Object create(ObjectReader r, int id) {
        int state = state(r, id);
        if (state == Payload.CO_UNSTARTED) {
            return null; // made by complete, from its parent and code
        }
        if (isGenerator(r, id)) {
            Generator<Object> gen = Generator.of(NEVER_RUNS);
            if (state == Payload.CO_DEAD) {
                gen.close(); // never started: finished without running anything
            }
            return gen;
        }
        // A shell in this thread's greenlet group, linked by restore once every object exists; if
        // loading fails first, nothing refers to it.
        return state == Payload.CO_MAIN ? Greenlet.mainGreenlet() : new Greenlet((GreenletBody) null, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object complete(ObjectReader r, int id) {
        Object parent = r.created(r.refs(id)[0]);
        Object body = r.created(r.refs(id)[1]);
        if (isGenerator(r, id)) {
            if (!(body instanceof GeneratorBody<?> b)) {
                throw new NotPicklableException("malformed pickle: an unstarted generator with body "
                        + (body == null ? "null" : body.getClass().getName()));
            }
            return Generator.of((GeneratorBody<Object>) b);
        }
        if (!(parent instanceof Greenlet pg) || !(body instanceof GreenletBody b)) {
            throw new NotPicklableException("malformed pickle: an unstarted greenlet with parent "
                    + (parent == null ? "null" : parent.getClass().getName()) + " and run function "
                    + (body == null ? "null" : body.getClass().getName()));
        }
        return new Greenlet(b, pg);
    }

    @Override
    public Class<?> classOf(ObjectReader r, int id) {
        return isGenerator(r, id) ? Generator.class : Greenlet.class;
    }

    @Override
    public Payload.FrameRec[] frames(ObjectReader r, int id) {
        return state(r, id) == Payload.CO_SUSPENDED ? ((Entry) r.payload(id)).frames() : null;
    }

    @Override
    public String describe(ObjectReader r, int id) {
        boolean gen = isGenerator(r, id);
        Entry e = (Entry) r.payload(id);
        return (gen ? "generator #" : "greenlet #") + id + switch (state(r, id)) {
            case Payload.CO_MAIN -> " (the main greenlet)";
            case Payload.CO_DEAD -> gen ? " (finished)" : " (dead)";
            // The run function by id only: describing it could describe this greenlet again (a forged cycle).
            case Payload.CO_UNSTARTED -> " (not started, parent #" + e.parent() + ", run #" + e.mailbox() + ")";
            default -> " (suspended, " + e.frames().length + " frames"
                    + (gen ? ")" : ", parent " + (e.parent() == 0 ? "main" : "#" + e.parent()) + ")");
        };
    }

    // ---------------------------------------------------------------- restoring

    /**
     * After every object of the load exists: checks each restored greenlet's parent (a greenlet,
     * no cycle), makes the strands of suspended greenlets and generators from their frames, and
     * returns the actions that link them (run once nothing can fail any more).
     */
    static List<Runnable> restore(ObjectReader or, FrameMaker fm) {
        Load load = (Load) or.context();
        List<Runnable> links = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id <= or.count(); id++) {
            if (or.kind(id) == Payload.COROUTINE) {
                ids.add(id);
            }
        }
        for (int id : ids) {
            Object o = or.get(id);
            int state = state(or, id);
            if (o instanceof Generator<?> gen) {
                if (state == Payload.CO_SUSPENDED) {
                    Frame[] gf = fm.frames(((Entry) or.payload(id)).frames(), "generator #" + id + " ");
                    links.add(gen.restoring(load.strand(gen), gf));
                }
                continue;
            }
            Greenlet g = (Greenlet) o;
            if (state == Payload.CO_DEAD) {
                links.add(g::restoreDead);
            } else if (state == Payload.CO_SUSPENDED) {
                Entry e = (Entry) or.payload(id);
                Frame[] gf = fm.frames(e.frames(), "greenlet #" + id + " ");
                Object po = or.get(e.parent());
                if (!(po instanceof Greenlet parent)) {
                    throw new NotPicklableException("malformed pickle: the parent of greenlet #" + id + " is "
                            + (po == null ? "null" : "a " + po.getClass().getName()));
                }
                for (int a = id, steps = 0; or.kind(a) == Payload.COROUTINE && or.get(a) instanceof Greenlet
                        && (state(or, a) == Payload.CO_SUSPENDED || state(or, a) == Payload.CO_UNSTARTED);
                        a = ((Entry) or.payload(a)).parent()) {
                    if (++steps > ids.size()) {
                        throw new NotPicklableException("malformed pickle: greenlet #" + id + "'s parent chain is a cycle");
                    }
                }
                links.add(g.restoring(load.strand(g), gf, parent, or.get(e.mailbox())));
            }
        }
        return links;
    }
}
