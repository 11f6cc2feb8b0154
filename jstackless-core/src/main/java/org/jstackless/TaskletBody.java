package org.jstackless;

/**
 * The code a tasklet runs. Serializable so that a lambda body can be pickled with its tasklet.
 */
@FunctionalInterface
public interface TaskletBody extends java.io.Serializable {
    /** Runs the tasklet's code; may switch. */
    void run() throws Suspendable, Exception;
}
