package org.jstackless;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.jstackless.internal.switching.Carrier;
import org.jstackless.internal.switching.Strand;

/**
 * A Python-style generator usable as a Java {@link Iterator}: the body runs as a coroutine and
 * hands values to the consumer with {@link Yielder#yield}, from any depth of nested calls.
 *
 * <pre>{@code
 * Generator<Integer> g = Generator.of(y -> { for (int i = 0; i < 3; i++) y.yield(i); });
 * while (g.hasNext()) System.out.println(g.next());           // 0 1 2
 * for (int i : Generator.iterable(y -> { y.yield(7); y.yield(8); })) { ... }
 * }</pre>
 *
 * <p>Algorithm (nested resume): the body is a strand of a coroutine in a private {@link Group},
 * and the consumer never switches away. {@code hasNext()} runs the body's strand <em>on the
 * consumer's own stack</em>, like a function call, until the body yields or ends; {@code
 * yield(v)} suspends only the body's strand, which returns control to that same {@code hasNext()}
 * with {@code v} buffered. So {@code next()} is a plain call for any consumer &mdash; a soft or hard
 * tasklet, a greenlet, the thread's main code, another generator's body &mdash; and a soft consumer
 * needs no weaving of {@code next()}. The body's strand is soft (its suspended frames are heap
 * data: the strand, the buffered value and the flags are the whole state) when soft switching was on at creation and the body is woven;
 * otherwise it is a JDK continuation of its own scope, so that its yield returns to the nearest
 * {@code next()} while a switch inside it still suspends the consumer's continuation around it. The
 * end of the body or its exception reaches the pending {@code hasNext()}/{@code next()} the same
 * way. {@link #close()} resumes a suspended body with an internal {@code GeneratorExit} raised from
 * its {@code yield}, so its finally blocks run before {@code close()} returns.
 *
 * <p>Switching inside the body. The body runs inside its consumer, as in Stackless, so a tasklet,
 * greenlet or coroutine switch made by the body suspends the consumer together with the body. This
 * works when the consumer is the thread's main code (never suspended: other strands run on top of
 * it), or when consumer and body are both hard. Otherwise a soft frame would have to be unwound
 * through the plain {@code next()} frame, or carried away on a hard stack, so the switch raises
 * {@link IllegalStateException} naming the fix (switch outside the body, or create both hard)
 * <em>before anything changes</em>: such a body runs under the thread's switch trap, which also
 * defers preemption until the body yields.
 *
 * <p>Invariants: at most one value is buffered ({@code hasNext()} produced it, {@code next()} hands
 * it out); once finished (ended, raised or closed) the generator stays finished and never runs code
 * again; the body runs only inside the consumer's {@code hasNext()}/{@code next()}/{@code close()};
 * a generator never changes {@link Stackless#current()} or {@link Greenlet#current()}. A generator
 * belongs to the thread that created it, but any consumer of that thread may use it (a generator
 * made in one tasklet may be consumed by another). Checked exceptions of the body are rethrown
 * unchanged (undeclared) from {@code hasNext()}/{@code next()}.
 */
public final class Generator<T> implements Iterator<T>, AutoCloseable {
    private static final Object END = new Object();

    private final Group group = new Group("generator");
    private final Coroutine co;
    private Object buffered;
    private boolean hasBuffered;
    private boolean finished;
    private boolean closing;
    /** The body (an unstarted generator pickles with it: {@link #snapshot}). */
    private final GeneratorBody<T> body;
    /** The yielder the body is given: an explicit type, so pickling knows it stands for this generator. */
    private final BodyYielder<T> yielder = new BodyYielder<>(this);

    /**
     * A body's every error, {@link TaskletExit} included (a consumer tasklet killed while the body
     * was switched away), is raised at the consumer's pending next().
     */
    private static final Coroutine.Ending ENDING = Coroutine::raising;

    static {
        // Generators are what runs strands nested: a refused switch there is explained in their terms.
        Carrier.describeNestedRefusal(Generator::refuseSwitchInBody);
    }

    private Generator(GeneratorBody<T> body) {
        this.body = body;
        co = new Coroutine(group, ENDING);
        co.nestedCode = body;
        co.nestedSoft = Mechanisms.softEnabled();
        co.owner = this;
        Yielder<T> y = yielder;
        co.bindCode(start -> {
            try {
                body.run(y);
            } catch (GenExit e) {
                if (!closing) {
                    throw e;
                }
            }
            return END;
        });
    }

    /** A generator that will run {@code body} when the first value is asked for. */
    public static <T> Generator<T> of(GeneratorBody<T> body) {
        return new Generator<>(Objects.requireNonNull(body, "a generator needs a body"));
    }

    /** An {@link Iterable} whose every {@code iterator()} is a fresh generator running {@code body}. */
    public static <T> Iterable<T> iterable(GeneratorBody<T> body) {
        Objects.requireNonNull(body, "a generator needs a body");
        return () -> new Generator<>(body);
    }

    /** This generator as a one-shot {@link Iterable}, for for-each loops. */
    public Iterable<T> asIterable() {
        return () -> this;
    }

    /**
     * True if the body yields another value: runs it up to its next {@code yield} (or its end).
     * An exception that ends the body is raised here, once; afterwards this returns false.
     */
    @Override
    public boolean hasNext() {
        if (!hasBuffered && !finished) {
            advance();
        }
        return hasBuffered;
    }

    /** The next value; {@link NoSuchElementException} when the body has ended. */
    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("generator exhausted");
        }
        T v = (T) buffered;
        buffered = null;
        hasBuffered = false;
        return v;
    }

    /** True once the body has ended, raised, or the generator was closed. */
    public boolean isFinished() {
        return finished;
    }

    /**
     * Ends the generator. A suspended body gets an internal GeneratorExit error from its pending
     * {@code yield}, so its finally blocks run now; a body that never started never runs. If the
     * body raises another exception, it is thrown here; if it yields instead of ending,
     * {@link IllegalStateException}. Closing a finished generator does nothing.
     */
    @Override
    public void close() {
        buffered = null;
        hasBuffered = false;
        if (finished) {
            return;
        }
        checkNotRunning();
        finished = true;
        if (co.state == Coroutine.BOUND) {
            co.die();
            return;
        }
        if (co.state != Coroutine.STARTED) {
            return;
        }
        closing = true;
        Object v = run(new CoroBomb(new GenExit()));
        if (v != END) {
            throw new IllegalStateException("generator ignored close(): its body yielded again instead of ending");
        }
    }

    private void advance() {
        checkNotRunning();
        Object v;
        try {
            v = run(null);
        } catch (Throwable t) {
            finished = true;
            throw Sneaky.raise(t);
        }
        if (v == END) {
            finished = true;
        } else {
            buffered = v;
            hasBuffered = true;
        }
    }

    /**
     * Runs the body nested until it yields or ends. When the body may not switch away (a strand
     * runs it and that strand or a body is soft, see the class comment), the thread's switch trap
     * is raised meanwhile: a tasklet switch in the body then fails before the scheduler changes
     * anything, and preemption waits until the body yields.
     */
    private Object run(Object value) {
        Carrier c = Carrier.current();
        Strand body = co.startNested();
        if (!c.switchRefusedInside(body) || !(c.tasklets() instanceof Scheduler)) {
            return co.resumeNested(value);
        }
        Stackless.switchTrap(1);
        try {
            return co.resumeNested(value);
        } catch (SwitchTrapException e) {
            Strand me = c.running();
            throw refuseSwitchInBody(me == null || me.isSoft(), e);
        } finally {
            Stackless.switchTrap(-1);
        }
    }

    /**
     * The error for a switch away from inside a generator's body that cannot suspend its consumer;
     * {@code consumerSoft}: the flow running the consumer is soft (else the body is); {@code cause}
     * is the low-level refusal it replaces, or null.
     */
    private static IllegalStateException refuseSwitchInBody(boolean consumerSoft, Throwable cause) {
        String who = consumerSoft ? "its consumer runs soft" : "the generator body runs soft";
        return new IllegalStateException("cannot switch away from inside a generator's body: the body runs on its "
                + "consumer's stack, inside next()/hasNext()/close(), a plain call, so the switch would have to "
                + "suspend the consumer through it, and " + who + ". Fix: switch outside the body (yield what "
                + "the consumer should do and let the consumer block or switch), or run the consumer and the "
                + "generator hard (create both with Stackless.enableSoftSwitch(false)).", cause);
    }

    /** True while a value produced by hasNext() waits for next() (such a generator does not pickle). */
    boolean hasBuffered() {
        return hasBuffered;
    }

    /** The coroutine whose strand runs the body (for tests). */
    Coroutine coroutine() {
        return co;
    }

    /** The yielder this generator's body is given (for unpickling a suspended body: its frames hold it). */
    Yielder<T> yielder() {
        return yielder;
    }

    /**
     * The yielder a generator gives its body: pickles as "the yielder of that generator"
     * ({@link YielderCodec}), and the loaded body gets the loaded generator's.
     */
    static final class BodyYielder<T> implements Yielder<T> {
        private final Generator<T> generator;

        BodyYielder(Generator<T> generator) {
            this.generator = generator;
        }

        Generator<T> generator() {
            return generator;
        }

        @Override
        public void yield(T value) throws Suspendable {
            generator.yieldValue(value);
        }
    }

    /** What pickling needs of this generator's coroutine: its snapshot, with the body as its code. */
    CoroutineSnapshot snapshot() {
        return co.snapshot(body, null);
    }

    /** Unpickling: a fresh generator made suspended in a yield with these frames; see {@link Coroutine#restoring}. */
    Runnable restoring(Coroutine.CoroStrand strandBody, org.jstackless.internal.soft.Frame[] frames) {
        return co.restoring(strandBody, frames, null, null);
    }

    /** Unpickling: the strand body of this generator's restored strand (the receiver of its outermost frame). */
    Coroutine.CoroStrand newStrandBody() {
        return new Coroutine.CoroStrand(co);
    }

    private void checkNotRunning() {
        group.use();
        if (group.current == co) {
            throw new IllegalStateException("generator already executing: next() or close() called from its own body");
        }
    }

    /**
     * The yielder's code. Declared suspendable although it only makes plain calls: woven, its entry
     * carries the body's chain token to the soft-switch check in {@code Coroutine.yieldNested}.
     */
    private void yieldValue(T value) throws Suspendable {
        group.use();
        if (group.current != co || closing) {
            throw new IllegalStateException(closing ? "generator ignored close(): it yielded while closing"
                    : "yield called outside its generator's body");
        }
        if (Carrier.current().nested() != co.strand()) {
            throw new IllegalStateException("yield of a generator called from inside another generator's body that it "
                    + "is running: only the innermost running generator may yield");
        }
        co.yieldNested(value); // nothing may follow: a soft body gets its result when re-entered
    }

    @Override
    public String toString() {
        return "Generator[" + (finished ? "finished" : co.state == Coroutine.BOUND ? "not started" : "suspended") + "]";
    }
}
