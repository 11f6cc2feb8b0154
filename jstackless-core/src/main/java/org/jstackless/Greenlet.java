package org.jstackless;

import java.util.Objects;

/**
 * A greenlet (Python's {@code greenlet.greenlet}): a coroutine with a parent, switched to
 * explicitly with values, on its thread's own greenlet {@link Group}. Greenlets switching inside a
 * tasklet leave {@link Stackless#current()} unchanged: the tasklet scheduler does not see them.
 *
 * <pre>{@code
 * Greenlet main = Greenlet.current();
 * Greenlet g = new Greenlet(args -> {
 *     Object x = main.switchTo("ready");   // suspends g, main's switch returns "ready"
 *     return "got " + x;                   // delivered to the parent (main)
 * });
 * g.switchTo();        // "ready"
 * g.switchTo(42);      // "got 42"; g is now dead
 * }</pre>
 *
 * <p>Algorithm: each greenlet is a {@link Coroutine} of the thread's greenlet group; its parent
 * chain is the coroutine parent chain. {@code switchTo(args)} resolves its target first: a dead
 * greenlet stands for its nearest ancestor that is active or not yet started; an unstarted target
 * is started with {@code args} as {@code run}'s arguments, a suspended one receives them packed
 * (none: null, one: that value, several: an {@code Object[]}). When {@code run} returns
 * {@code v}, {@code v} goes to the parent chain the same way (an unstarted parent starts with
 * {@code v} as its one argument); an exception goes there as an exception, except
 * {@link GreenletExit}, which is delivered as a value. {@code throwInto} raises in the target's
 * pending switch; into an unstarted or dead greenlet it goes straight to the target's parent chain
 * and the body never runs.
 *
 * <p>Invariants: one main greenlet per thread, never dead while its thread uses greenlets, with no
 * parent; the parent chain has no cycle and stays on one thread; a greenlet belongs to the thread
 * that created it. Misuse raises {@link IllegalArgumentException} (bad arguments: null or cyclic or
 * foreign parent) or {@link IllegalStateException} (bad state: no run function, another thread,
 * main's parent), with a message that says which.
 */
public class Greenlet {
    final Coroutine co;
    private GreenletBody body;

    /** A greenlet that will call {@code run}, whose parent is the current greenlet. */
    public Greenlet(GreenletBody run) {
        this(run, null);
    }

    /** A greenlet's results and its {@link GreenletExit} reach the parent as values; other errors are raised there. */
    private static final Coroutine.Ending ENDING = error -> error instanceof GreenletExit ? error
            : Coroutine.raising(error);

    /**
     * A greenlet that will call {@code run}, with the given parent ({@code null}: the current
     * greenlet). The parent must belong to the calling thread.
     */
    public Greenlet(GreenletBody run, Greenlet parent) {
        Group g = GreenletThreads.group();
        this.co = new Coroutine(g, ENDING);
        this.co.owner = this;
        this.body = run;
        bindCode();
        if (parent != null) {
            setParent(parent);
        }
    }

    /**
     * For subclasses that override {@link #run(Object...)} instead of passing a body; the parent is
     * the current greenlet.
     */
    protected Greenlet() {
        this(null, null);
    }

    /** The main greenlet of a thread: wraps its group's main coroutine. */
    private Greenlet(Coroutine main) {
        this.co = main;
        main.owner = this;
    }

    /** The run function given at construction, until the greenlet starts (for pickling an unstarted greenlet). */
    GreenletBody body() {
        return body;
    }

    private void bindCode() {
        co.bindCode(start -> run((Object[]) start));
    }

    /**
     * The greenlet's code: by default calls the body given at construction. Subclasses may
     * override it. Raises {@link IllegalStateException} when there is neither.
     */
    protected Object run(Object... args) throws Suspendable, Exception {
        GreenletBody b = body;
        if (b == null) {
            throw new IllegalStateException("greenlet has no run function: pass a GreenletBody or override run");
        }
        body = null; // like greenlet, run is dropped once started
        return b.run(args);
    }

    // ---------------------------------------------------------------- switching

    /**
     * Switches to this greenlet (or, if it is dead, to its nearest active or unstarted ancestor),
     * passing {@code args}: an unstarted greenlet starts {@code run(args)}; a suspended one's pending
     * switch returns the packed arguments. Returns what the caller is eventually switched back
     * with: a value sent by {@code switchTo}, a child's return value, or a {@link GreenletExit}
     * instance; an exception that ended a child is thrown here.
     */
    public Object switchTo(Object... args) throws Suspendable {
        return switchWith(args);
    }

    /** {@link #switchTo(Object...)} with no argument, without allocating javac's empty varargs array. */
    public Object switchTo() throws Suspendable {
        return switchWith(NO_ARGS);
    }

    private static final Object[] NO_ARGS = new Object[0];

    private Object switchWith(Object[] args) throws Suspendable {
        Coroutine target = co;
        Group g = target.group;
        g.use();
        Object[] a = args == null ? new Object[] {null} : args;
        Object packed = pack(a);
        if (target == g.current) {
            return packed;
        }
        checkRunnable(target);
        return target.deliverUp(target, a, packed);
    }

    /**
     * Raises {@code t} in this greenlet's pending switch, making it current. Into an unstarted
     * greenlet the body never runs, and into a dead one nothing runs: {@code t} goes to its parent
     * chain, where a {@link GreenletExit} becomes the value returned (so {@code throwInto(new
     * GreenletExit())} on a child returns the exit) and any other exception is raised. In the
     * current greenlet {@code t} is thrown right here.
     */
    public Object throwInto(Throwable t) throws Suspendable {
        Objects.requireNonNull(t, "throwInto needs an exception (e.g. new GreenletExit())");
        Coroutine target = co;
        Group g = target.group;
        g.use();
        if (target == g.current) {
            throw Sneaky.raise(t);
        }
        checkRunnable(target);
        if (target.state == Coroutine.STARTED) {
            return target.switchIn(new CoroBomb(t));
        }
        if (target.state == Coroutine.BOUND) {
            target.die(); // thrown into before it ran: it is dead and never runs its body
        }
        Object packed = t instanceof GreenletExit ? t : new CoroBomb(t);
        return target.deliverUp(target.parent, new Object[] {packed}, packed);
    }

    /** Throws {@link GreenletExit} into this greenlet (greenlet's {@code g.throw()}). */
    public Object kill() throws Suspendable {
        return throwInto(new GreenletExit());
    }

    private static void checkRunnable(Coroutine target) {
        if (target.state == Coroutine.BOUND && target.owner instanceof Greenlet gl && !gl.hasRun()) {
            throw new IllegalStateException("greenlet has no run function: pass a GreenletBody or override run");
        }
    }

    private boolean hasRun() {
        if (body != null) {
            return true;
        }
        try {
            return getClass().getDeclaredMethod("run", Object[].class).getDeclaringClass() != Greenlet.class;
        } catch (NoSuchMethodException e) {
            return getClass() != Greenlet.class && overridesRun(getClass().getSuperclass());
        }
    }

    private static boolean overridesRun(Class<?> c) {
        while (c != null && c != Greenlet.class) {
            try {
                c.getDeclaredMethod("run", Object[].class);
                return true;
            } catch (NoSuchMethodException e) {
                c = c.getSuperclass();
            }
        }
        return false;
    }

    /** greenlet's argument packing: none &rarr; null, one &rarr; that value, several &rarr; the array. */
    static Object pack(Object[] args) {
        return switch (args.length) {
            case 0 -> null;
            case 1 -> args[0];
            default -> args;
        };
    }

    // ---------------------------------------------------------------- tree and state

    /** The parent, to which control and the result go when this greenlet ends; null for main. */
    public Greenlet parent() {
        Coroutine p = co.parent;
        return p == null ? null : of(p);
    }

    /**
     * Re-parents this greenlet. Refuses null and a parent of another thread
     * ({@link IllegalArgumentException}), a cycle ({@code IllegalArgumentException("cyclic parent
     * chain")}), and the main greenlet ({@link IllegalStateException}).
     */
    public void setParent(Greenlet p) {
        if (p == null) {
            throw new IllegalArgumentException("parent must be a greenlet, not null");
        }
        if (co.isMain) {
            throw new IllegalStateException("cannot set the parent of a main greenlet");
        }
        if (p.co.group != co.group) {
            throw new IllegalArgumentException("parent cannot be on a different thread");
        }
        for (Coroutine c = p.co; c != null; c = c.parent) {
            if (c == co) {
                throw new IllegalArgumentException("cyclic parent chain");
            }
        }
        co.parent = p.co;
    }

    /** True once the greenlet was started and has finished. An unstarted greenlet is not dead. */
    public boolean isDead() {
        return co.state == Coroutine.DEAD;
    }

    /** True when started and not dead (greenlet's {@code bool(g)}); main is always active. */
    public boolean isActive() {
        return co.state == Coroutine.STARTED;
    }

    /** True for the main greenlet of a thread. */
    public boolean isMain() {
        return co.isMain;
    }

    /** The thread this greenlet belongs to. */
    public Thread thread() {
        return co.group.thread();
    }

    /** The running greenlet of the calling thread (its main greenlet when none was switched to). */
    public static Greenlet current() {
        return of(GreenletThreads.group().current());
    }

    /** The calling thread's main greenlet. */
    public static Greenlet mainGreenlet() {
        return of(GreenletThreads.group().main());
    }

    /**
     * What pickling needs of this greenlet: its coroutine's snapshot, with its run function and
     * its parent greenlet (null when the parent is not a greenlet, which does not pickle).
     */
    CoroutineSnapshot snapshot() {
        Coroutine p = co.parentForPickle();
        Greenlet parent = p == null || !(p.isMain() || p.owner instanceof Greenlet) ? null : of(p);
        return co.snapshot(body, parent);
    }

    /** Unpickling: a fresh greenlet made suspended with these frames; see {@link Coroutine#restoring}. */
    Runnable restoring(Coroutine.CoroStrand strandBody, org.jstackless.internal.soft.Frame[] frames, Greenlet parent,
            Object mailbox) {
        return co.restoring(strandBody, frames, parent.co, mailbox);
    }

    /** Unpickling: the strand body of this greenlet's restored strand (the receiver of its outermost frame). */
    Coroutine.CoroStrand newStrandBody() {
        return new Coroutine.CoroStrand(co);
    }

    /** Unpickling: makes this fresh greenlet dead, as it was when pickled. */
    void restoreDead() {
        co.die();
    }

    static Greenlet of(Coroutine c) {
        Object o = c.owner;
        if (o instanceof Greenlet g) {
            return g;
        }
        return new Greenlet(c);
    }

    @Override
    public String toString() {
        String s = co.isMain ? "main" : switch (co.state) {
            case Coroutine.BOUND -> "pending";
            case Coroutine.STARTED -> "active started";
            default -> "dead";
        };
        boolean cur = co.group.current == co;
        return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this)) + "["
                + (co.isMain && co.state == Coroutine.STARTED ? (cur ? "current active started main" : "suspended active started main")
                : (cur ? "current " : "") + s) + "]";
    }
}
