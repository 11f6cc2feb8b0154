package org.jstackless;

import java.util.List;
import org.jstackless.internal.pickle.PickleErrors;

/**
 * The public exceptions of pickling, made for the pickle layer (which does not name this package):
 * installed by {@link Pickler} when it initialises.
 */
final class PickleExceptions implements PickleErrors.Factory {
    @Override
    public RuntimeException notPicklable(String message, Throwable cause) {
        return cause == null ? new NotPicklableException(message) : new NotPicklableException(message, cause);
    }

    @Override
    public RuntimeException versionMismatch(String message) {
        return new PickleVersionException(message, List.of());
    }

    @Override
    public boolean isNotPicklable(Throwable t) {
        return t instanceof NotPicklableException;
    }
}
