package org.jstackless;

/**
 * A throwable in flight through a coroutine's mailbox: the resumed (or parent) coroutine's pending
 * switch raises it instead of returning a value. Package-private twin of {@link Bomb}, kept apart so
 * that a user's own {@code Bomb} passed as a coroutine value stays a plain value.
 */
final class CoroBomb {
    final Throwable error;

    CoroBomb(Throwable error) {
        this.error = error;
    }
}
