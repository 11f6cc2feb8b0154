package org.jstackless;

import java.util.Objects;
import org.jstackless.internal.soft.SoftContext;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Strand;
import org.jstackless.internal.switching.StrandEntry;

/**
 * A coroutine of a {@link Group}: PyPy's {@code coroutine} (bind / switch / kill / throw /
 * getcurrent), the primitive that greenlets, generators and user-defined concepts are built on.
 *
 * <pre>{@code
 * Group g = new Group("pingpong");
 * Coroutine main = g.main();
 * Coroutine c = new Coroutine(g).bind(() -> { log.add("in c"); main.switchTo(); log.add("c again"); });
 * c.switchTo();      // runs c until it switches back to main
 * c.switchTo();      // resumes c; when its body ends, control returns to its parent (main)
 * }</pre>
 *
 * <p>Algorithm: a switch to {@code target} in group {@code g} (1) checks the target, (2) starts a
 * strand for it if it was never run, (3) puts the value to deliver into the target's mailbox,
 * (4) saves the running execution into the slot of {@code g.current}, (5) makes the target current
 * and (6) hands the carrier to the target's slot. The suspended caller's result is computed by the
 * group's constant {@link org.jstackless.internal.switching.Resumption}, which claims the mailbox
 * of whatever coroutine is current when the caller is resumed; so no code runs "after" the switch
 * and the same operation serves hard and soft strands. When a body ends, its strand's end
 * hook delivers the outcome to the first live ancestor in the parent chain (the coroutine that was
 * current in the group when this one was bound), skipping dead ones, and names that ancestor's
 * slot as the carrier's next strand. What an error that ended the body becomes for that ancestor
 * is the concept's choice, its {@link Ending} (greenlets, generators and a user's own concept each
 * give theirs; the default ends quietly on {@link TaskletExit}).
 *
 * <p>Nested coroutines (package-private, for {@link Generator}): instead of being switched to, the
 * coroutine's strand is run on the caller's stack by {@code resumeNested} and suspends back to it
 * with {@code yieldNested}; the group's main stands for the caller and only the group's current
 * changes, so the carrier's running strand, the scheduler and other groups never see the run.
 *
 * <p>Life cycle: unbound &rarr; {@link #bind bound} (alive, not started) &rarr; started &rarr; dead
 * (body ended, may be bound again). The group's main coroutine is alive for ever.
 *
 * <p>Invariants: exactly one coroutine per group is current; a started non-current coroutine's
 * slot holds the one execution that resumes it; a dead coroutine has no slot; a switch to the
 * current coroutine does not switch. Errors: {@link IllegalStateException} for a bad state
 * (unbound, dead, bound twice, used from another thread), {@link IllegalArgumentException} for bad
 * arguments, each with a message that names the problem.
 */
public final class Coroutine {
    static final byte UNBOUND = 0;
    static final byte BOUND = 1;
    static final byte STARTED = 2;
    static final byte DEAD = 3;

    /**
     * What a concept makes of an error that ended a coroutine's body, for the ancestor that
     * receives the outcome: a value its pending switch returns (the body ended quietly), or
     * {@link #raising}{@code (t)} to raise {@code t} there. A concept built on coroutines gives its
     * own to {@link #Coroutine(Group, Ending)}. It runs as the body's strand ends, where nothing
     * may switch: it must only decide (an exception it throws is raised at the ancestor).
     */
    @FunctionalInterface
    public interface Ending {
        /** The outcome for the receiving ancestor of a body that ended with {@code error}. */
        Object ended(Throwable error);
    }

    /** The default (a plain coroutine): {@link TaskletExit} ends it quietly (null), other errors go to the parent. */
    public static final Ending QUIET_EXIT = error -> error instanceof TaskletExit ? null : raising(error);

    /** For an {@link Ending}: the outcome that raises {@code error} at the receiving ancestor's switch. */
    public static Object raising(Throwable error) {
        return new CoroBomb(Objects.requireNonNull(error, "raising needs an error"));
    }

    final Group group;
    final boolean isMain;
    /**
     * Set by Generator: the user code this coroutine's strand runs. Non-null makes it a nested
     * coroutine: it is only run by {@link #resumeNested} on its consumer's stack, and its strand is
     * soft iff {@link #nestedSoft} and that code is woven.
     */
    Object nestedCode;
    /** For a nested coroutine: whether its strand may be soft (the soft-switch setting at creation). */
    boolean nestedSoft;
    /** What an error that ended the body becomes for the parent (the concept's choice). */
    final Ending ending;
    byte state;
    /** What the strand runs; null unless bound. */
    CoroCode code;
    /** The saved execution that resumes this coroutine (null: the thread stack), valid while not current. */
    Strand frame;
    /** Where control and the outcome go when the body ends. */
    Coroutine parent;
    /** The value (or a {@link CoroBomb}) the resumed switch returns; start arguments when not started. */
    Object mailbox;
    /** The concept object this coroutine implements (a Greenlet, a Generator, an actor), or null. */
    Object owner;

    /** A new unbound coroutine of group {@code g}, ending as {@link #QUIET_EXIT} says. */
    public Coroutine(Group g) {
        this(g, QUIET_EXIT);
    }

    /**
     * A new unbound coroutine of group {@code g} whose body's end is delivered to its parent as
     * {@code ending} says (how a concept built on coroutines gives them its own error rules).
     */
    public Coroutine(Group g, Ending ending) {
        this(Objects.requireNonNull(g, "a coroutine needs a group"), false,
                Objects.requireNonNull(ending, "a coroutine needs an ending (Coroutine.QUIET_EXIT by default)"));
    }

    Coroutine(Group g, boolean isMain, Ending ending) {
        this.group = g;
        this.isMain = isMain;
        this.ending = ending;
        this.state = isMain ? STARTED : UNBOUND;
    }

    /**
     * Binds {@code body}: it runs on the first {@link #switchTo()}. The coroutine current in the
     * group now becomes the parent, to which control returns when the body ends. A dead coroutine
     * may be bound again; a bound or running one may not.
     */
    public Coroutine bind(TaskletBody body) {
        Objects.requireNonNull(body, "bind needs a body");
        return bindCode(start -> {
            body.run();
            return null;
        });
    }

    Coroutine bindCode(CoroCode c) {
        group.use();
        if (isMain) {
            throw new IllegalStateException("cannot bind the main coroutine of group '" + group.name() + "'");
        }
        if (state == BOUND || state == STARTED) {
            throw new IllegalStateException("cannot bind a bound coroutine");
        }
        code = c;
        state = BOUND;
        parent = group.current;
        mailbox = null;
        return this;
    }

    /**
     * Suspends the current coroutine of this coroutine's group and resumes (or starts) this one.
     * Other groups do not see the switch. Returns when something switches back to the caller's
     * coroutine; an exception that ended a child whose parent is the caller is raised here.
     */
    public void switchTo() throws Suspendable {
        group.use();
        if (this != group.current) {
            if (state == UNBOUND) {
                throw new IllegalStateException("cannot switch to an unbound coroutine: bind it first");
            }
            if (state == DEAD) {
                throw new IllegalStateException("cannot switch to a dead coroutine: its body has ended");
            }
        }
        switchIn(null);
    }

    /** True while bound and not ended (a bound coroutine that never ran is alive), and for main. */
    public boolean isAlive() {
        return state == BOUND || state == STARTED;
    }

    /** True once switched to and before its body ended (main always). */
    public boolean isStarted() {
        return state == STARTED;
    }

    /** True for the main coroutine of its group. */
    public boolean isMain() {
        return isMain;
    }

    /** The group this coroutine belongs to. */
    public Group group() {
        return group;
    }

    /** Where control goes when this coroutine's body ends (null for main). */
    public Coroutine parent() {
        return parent;
    }

    /**
     * Raises {@link TaskletExit} inside this coroutine and switches to it now; when it has ended,
     * control comes back here (the parent chain is rewired to the killer) and the exit is not
     * propagated. A bound coroutine that never ran just stops being alive; killing an unbound or
     * dead coroutine does nothing; killing the current one raises {@code TaskletExit} here.
     */
    public void kill() throws Suspendable {
        group.use();
        if (this == group.current) {
            throw new TaskletExit();
        }
        if (isMain) {
            throw new IllegalStateException("cannot kill the main coroutine of group '" + group.name() + "'");
        }
        if (state == BOUND) {
            die();
            return;
        }
        if (state != STARTED) {
            return;
        }
        parent = group.current;
        switchIn(new CoroBomb(new TaskletExit()));
    }

    /**
     * Raises {@code t} inside this coroutine (switching to it); if the body does not catch it, it
     * reaches the parent's pending switch. A bound coroutine that never ran does not run its body:
     * it dies and {@code t} goes straight to its parent chain. In the current coroutine, {@code t}
     * is thrown here.
     */
    public void throwInto(Throwable t) throws Suspendable {
        Objects.requireNonNull(t, "throwInto needs an exception");
        group.use();
        if (this == group.current) {
            throw Sneaky.raise(t);
        }
        if (state == UNBOUND || state == DEAD) {
            throw new IllegalStateException("cannot throw into a " + (state == DEAD ? "dead" : "unbound")
                    + " coroutine");
        }
        if (state == BOUND) {
            die();
            deliverUp(parent, null, new CoroBomb(t));
            return;
        }
        switchIn(new CoroBomb(t));
    }

    /** The current coroutine of group {@code g} on this thread (its main before any switch). */
    public static Coroutine current(Group g) {
        return Objects.requireNonNull(g, "current needs a group").current();
    }

    // ---------------------------------------------------------------- the engine

    /**
     * The switch primitive: deliver {@code value} to this coroutine (which must be alive, or the
     * current one) and hand it the carrier. Returns what the caller's coroutine receives when it is
     * resumed. A switch to the current coroutine returns {@code value} (raising it if a bomb).
     */
    Object switchIn(Object value) {
        Group g = group;
        Carrier c = g.use();
        Coroutine from = g.current;
        if (this == from) {
            return open(value);
        }
        c.checkSwitchAllowed(); // inside a generator's body: refuse before changing anything
        SoftContext.checkUnwind(); // a soft frame that cannot unwind: likewise
        if (state == BOUND) {
            start();
        }
        mailbox = value;
        from.frame = c.running();
        g.current = this;
        return c.switchTo(frame, g.resume);
    }

    /** Makes the strand of a bound coroutine; its first resume runs the body with the mailbox as start value. */
    private void start() {
        CoroStrand s = new CoroStrand(this);
        frame = nestedCode != null ? Mechanisms.nestedFactoryFor(nestedCode, nestedSoft).create(s, s)
                : Mechanisms.factoryFor(s).create(s, s);
        state = STARTED;
    }

    // ---------------------------------------------------------------- nested resume (generators)

    /**
     * Runs this nested coroutine (started now if bound) on the caller's stack until it yields with
     * {@link #yieldNested} or ends, with {@code value} (or a {@link CoroBomb}) as the result of its
     * pending yield. Returns what it yielded or returned; raises what it raised. The group's main
     * stands for the caller: it is current again when this returns.
     */
    Object resumeNested(Object value) {
        Group g = group;
        Carrier c = g.use();
        Coroutine m = g.main();
        startNested();
        mailbox = value;
        g.current = this;
        try {
            c.runNested(frame);
        } finally {
            g.current = m;
        }
        return m.claim();
    }

    /** Makes the strand of a bound nested coroutine now (so its mechanism is known); returns it. */
    Strand startNested() {
        if (state == BOUND) {
            start();
        }
        return frame;
    }

    /**
     * Called by the running nested coroutine: hands {@code value} to the pending
     * {@link #resumeNested} and suspends until resumed again; returns (or raises) what that resume
     * delivers. On a soft strand this only starts the unwinding: the woven caller gets the result
     * when re-entered (the group's resumption claims this coroutine's mailbox).
     */
    Object yieldNested(Object value) {
        Group g = group;
        Carrier c = g.use();
        SoftContext.checkUnwind(); // before anything changes
        g.main().mailbox = value;
        return c.yieldNested(frame, g.resume);
    }

    /** The strand of a started coroutine (null if not started or dead): for pickling generators. */
    Strand strand() {
        return state == STARTED && !isMain ? frame : null;
    }

    /** Takes the mailbox: the value a resumed switch returns, or raises the bomb in it. */
    Object claim() {
        Object v = mailbox;
        mailbox = null;
        return open(v);
    }

    static Object open(Object v) {
        if (v instanceof CoroBomb b) {
            throw Sneaky.raise(b.error);
        }
        return v;
    }

    /** Ends this coroutine without running code: it is no longer alive. */
    void die() {
        state = DEAD;
        code = null;
        frame = null;
        mailbox = null;
    }

    /**
     * The first coroutine up from {@code c} (inclusive) that can receive {@code packed}: a started
     * one, or a bound one that is then started with {@code startArgs}. A bound ancestor receiving a
     * bomb is "thrown into" before it ran: it dies without running and the bomb climbs on. Dead
     * ones are skipped; the group's main ends the climb.
     */
    Coroutine resolve(Coroutine c, Object startArgs, Object packed) {
        Coroutine p = c;
        while (p != null) {
            if (p.state == STARTED) {
                p.mailbox = packed;
                return p;
            }
            if (p.state == BOUND) {
                if (!(packed instanceof CoroBomb)) {
                    p.mailbox = startArgs;
                    return p;
                }
                p.die();
            }
            p = p.parent;
        }
        Coroutine m = group.main();
        m.mailbox = packed;
        return m;
    }

    /** Delivers an outcome up the chain starting at {@code c} and switches there. */
    Object deliverUp(Coroutine c, Object startArgs, Object packed) {
        Coroutine target = resolve(c, startArgs, packed);
        Object v = target.mailbox;
        if (target == group.current) {
            target.mailbox = null;
            return open(v);
        }
        return target.switchIn(v);
    }

    /**
     * The body ended (on its own strand): the outcome goes to the parent chain and the carrier's
     * next strand is the receiving ancestor's slot. Must not switch.
     */
    void ended(Object result, Throwable error) {
        Object packed;
        if (error == null) {
            packed = result;
        } else {
            try {
                packed = ending.ended(error);
            } catch (Throwable raised) {
                packed = new CoroBomb(raised);
            }
        }
        die();
        Group g = group;
        Coroutine target = resolve(parent, new Object[] {packed}, packed);
        if (target.state == BOUND) {
            target.start();
        }
        g.current = target;
        Carrier.current().setNext(target.frame);
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case UNBOUND -> "unbound";
            case BOUND -> "bound";
            case STARTED -> "started";
            default -> "dead";
        };
        return "Coroutine[" + group.name() + (isMain ? " main" : "") + " " + s
                + (group.current == this ? " current" : "") + "]";
    }

    /** The strand body and entry hooks of one run of a coroutine. */
    static final class CoroStrand implements TaskletBody, StrandEntry {
        private static final long serialVersionUID = 1L;
        private final transient Coroutine co;
        private Object result;

        CoroStrand(Coroutine co) {
            this.co = co;
        }

        /** The coroutine this strand body runs (for pickling). */
        Coroutine coroutine() {
            return co;
        }

        /** The concept object (greenlet, generator) whose coroutine this strand body runs (for pickling). */
        Object owner() {
            return co.owner;
        }

        @Override
        public void begin() {
            // nothing: the start value is claimed by run()
        }

        @Override
        public void run() throws Suspendable, Exception {
            Object start = co.mailbox;
            co.mailbox = null;
            Object v = open(start);
            result = co.code.run(v);
        }

        /** The strand runs this object itself (its body and entry are one). */
        @org.jstackless.internal.soft.Boundary
        @Override
        public void runBody(Object body) throws Throwable {
            ((TaskletBody) body).run();
        }

        @Override
        public void end(Throwable error) {
            co.ended(error == null ? result : null, error);
        }
    }

    // ---------------------------------------------------------------- pickling

    /**
     * What pickling needs of this coroutine (see {@link CoroutineSnapshot}); {@code body} and
     * {@code parent} are what the concept pickles as its code and its parent.
     */
    CoroutineSnapshot snapshot(Object body, Object parent) {
        CoroutineSnapshot.Phase ph;
        org.jstackless.internal.soft.Frame[] frames = NO_FRAMES;
        if (isMain) {
            ph = CoroutineSnapshot.Phase.MAIN;
        } else if (state == DEAD) {
            ph = CoroutineSnapshot.Phase.DEAD;
        } else if (state == BOUND) {
            ph = CoroutineSnapshot.Phase.BOUND;
        } else if (state != STARTED) {
            ph = CoroutineSnapshot.Phase.UNBOUND;
        } else if (group.current == this) {
            ph = CoroutineSnapshot.Phase.RUNNING;
        } else if (!(frame instanceof org.jstackless.internal.soft.runtime.SoftStrand ss)) {
            ph = CoroutineSnapshot.Phase.HARD;
        } else if (ss.resumption() != group.resume) {
            ph = CoroutineSnapshot.Phase.ELSEWHERE;
        } else {
            ph = CoroutineSnapshot.Phase.SUSPENDED;
            frames = ss.savedFrames();
        }
        return new CoroutineSnapshot(ph, frames, parent, mailbox, body);
    }

    /** The parent, for a concept's {@link #snapshot} (which maps it to what it pickles as). */
    Coroutine parentForPickle() {
        return parent;
    }

    /**
     * Unpickling: makes this fresh coroutine's soft strand from saved {@code frames} (outermost
     * first; the outermost belongs to {@code body}) and returns the action that makes it
     * suspended in its group's switch with it, with {@code parent} (null: unchanged) and the
     * {@code mailbox} its switch returns. The action runs once nothing of the load can fail.
     */
    Runnable restoring(CoroStrand body, org.jstackless.internal.soft.Frame[] frames, Coroutine parent, Object mailbox) {
        org.jstackless.internal.soft.runtime.SoftStrand st = org.jstackless.internal.soft.runtime.SoftStrand.restored(body, body, frames, group.resume);
        return () -> {
            state = STARTED;
            frame = st;
            if (parent != null) {
                this.parent = parent;
            }
            this.mailbox = mailbox;
        };
    }

    private static final org.jstackless.internal.soft.Frame[] NO_FRAMES = new org.jstackless.internal.soft.Frame[0];
}
