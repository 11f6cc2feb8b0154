package org.jstackless;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

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
 * <p>Algorithm: every generator has a private two-member {@link Group}: its main coroutine stands
 * for the consumer, the other runs the body. {@code hasNext()} switches to the body coroutine (the
 * consumer's execution is saved in main's slot, whatever it is: the thread stack, a tasklet, a
 * greenlet or another generator's body); {@code yield(v)} switches back to main delivering
 * {@code v}; the end of the body delivers an end marker, and an exception ends it and is raised from
 * the consumer's pending {@code hasNext()}/{@code next()}. {@link #close()} switches into a
 * suspended body with an internal {@code GeneratorExit} error raised from its {@code yield}, so its
 * finally blocks run before {@code close()} returns. Because the group is private, generators nest
 * (a generator consumed inside another one's body) and coexist with tasklets and greenlets: a
 * generator never changes {@link Stackless#current()} or {@link Greenlet#current()}.
 *
 * <p>Invariants: at most one value is buffered ({@code hasNext()} produced it, {@code next()} hands
 * it out); once finished (ended, raised or closed) the generator stays finished and never runs code
 * again; the body runs only while the consumer waits in {@code hasNext()}/{@code next()}/{@code
 * close()}. A generator belongs to the thread that created it. Checked exceptions of the body are
 * rethrown unchanged (undeclared) from {@code hasNext()}/{@code next()}.
 */
public final class Generator<T> implements Iterator<T>, AutoCloseable {
    private static final Object END = new Object();

    private final Group group = new Group("generator");
    private final Coroutine co;
    private Object buffered;
    private boolean hasBuffered;
    private boolean finished;
    private boolean closing;

    private Generator(GeneratorBody<T> body) {
        co = new Coroutine(group);
        co.hardOnly = true;
        co.owner = this;
        Yielder<T> y = this::yieldValue;
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
        Object v = co.switchIn(new CoroBomb(new GenExit()));
        if (v != END) {
            throw new IllegalStateException("generator ignored close(): its body yielded again instead of ending");
        }
    }

    private void advance() {
        checkNotRunning();
        Stackless.refuseInSoftStrand("a generator's next()/hasNext()");
        Object v;
        try {
            v = co.switchIn(null);
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

    private void checkNotRunning() {
        group.use();
        if (group.current == co) {
            throw new IllegalStateException("generator already executing: next() or close() called from its own body");
        }
    }

    private void yieldValue(T value) {
        group.use();
        if (group.current != co || closing) {
            throw new IllegalStateException(closing ? "generator ignored close(): it yielded while closing"
                    : "yield called outside its generator's body");
        }
        group.main().switchIn(value);
    }

    @Override
    public String toString() {
        return "Generator[" + (finished ? "finished" : co.state == Coroutine.BOUND ? "not started" : "suspended") + "]";
    }
}
