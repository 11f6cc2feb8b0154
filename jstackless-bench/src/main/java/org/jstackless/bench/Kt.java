package org.jstackless.bench;

import java.util.function.Consumer;
import java.util.function.Function;
import kotlin.ResultKt;
import kotlin.Unit;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlin.coroutines.intrinsics.IntrinsicsKt;
import kotlin.coroutines.jvm.internal.ContinuationImpl;
import kotlinx.coroutines.BuildersKt;
import kotlinx.coroutines.CoroutineScope;
import kotlinx.coroutines.CoroutineStart;

/**
 * The Kotlin coroutines peer, driven from Java without a Kotlin compiler: each coroutine body is a
 * {@link Frame}, the state machine the Kotlin compiler would generate for a {@code suspend} function
 * (a subclass of the same {@code ContinuationImpl}, so that resumptions are intercepted and
 * dispatched by the coroutine's dispatcher exactly as for compiled Kotlin). Coroutines run in
 * {@code runBlocking}, i.e. on the calling thread's event loop: one thread, like a jstackless
 * scheduler.
 */
final class Kt {
    /** Kotlin's marker for "the call suspended". */
    static final Object SUSPENDED = IntrinsicsKt.getCOROUTINE_SUSPENDED();

    private Kt() {
    }

    /** A suspend function's state machine; {@link #label} is where to continue. */
    abstract static class Frame extends ContinuationImpl {
        int label;

        @SuppressWarnings("unchecked")
        Frame(Continuation<?> completion) {
            super((Continuation<Object>) completion);
        }

        @Override
        protected final Object invokeSuspend(Object result) {
            ResultKt.throwOnFailure(result);
            return step(result);
        }

        /**
         * Runs from {@link #label} until the next suspension (returns {@link #SUSPENDED}) or the end
         * (returns the function's value); {@code result} is what the last suspension resumed with.
         */
        abstract Object step(Object result);
    }

    /** {@code Channel<E>()}: a rendezvous channel, like a jstackless {@code Channel}. */
    static <E> kotlinx.coroutines.channels.Channel<E> rendezvous() {
        return kotlinx.coroutines.channels.ChannelKt.Channel(0, kotlinx.coroutines.channels.BufferOverflow.SUSPEND, null);
    }

    /** {@code runBlocking { launcher(this) }}: returns when every coroutine launched in it has finished. */
    static void runBlocking(Consumer<CoroutineScope> launcher) {
        try {
            BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE, (scope, cont) -> {
                launcher.accept(scope);
                return Unit.INSTANCE;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code runBlocking(context) { launcher(this) }}: as {@link #runBlocking(Consumer)}, with every
     * coroutine on {@code context}'s dispatcher (e.g. {@code Dispatchers.Default}) instead of the
     * calling thread.
     */
    static void runBlocking(kotlin.coroutines.CoroutineContext context, Consumer<CoroutineScope> launcher) {
        try {
            BuildersKt.runBlocking(context, (scope, cont) -> {
                launcher.accept(scope);
                return Unit.INSTANCE;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code scope.launch { body }} where the body is the frame that {@code frame} makes for a completion. */
    static void launch(CoroutineScope scope, Function<Continuation<?>, Frame> frame) {
        launch(scope, CoroutineStart.DEFAULT, frame);
    }

    static void launch(CoroutineScope scope, CoroutineStart start, Function<Continuation<?>, Frame> frame) {
        BuildersKt.launch(scope, EmptyCoroutineContext.INSTANCE, start,
                (s, completion) -> frame.apply(completion).step(Unit.INSTANCE));
    }
}
