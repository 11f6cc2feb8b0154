package org.jstackless;

/**
 * Raised inside a greenlet to end it ({@code greenlet.GreenletExit}). Unlike other exceptions it
 * is not propagated when it ends the greenlet: the instance is delivered to the parent as the
 * value of its pending switch. An {@link Error}, so {@code catch (Exception e)} does not swallow it.
 */
public class GreenletExit extends Error {
    private static final long serialVersionUID = 1L;

    /** A GreenletExit without message. */
    public GreenletExit() {
        super();
    }

    /** A GreenletExit with a message. */
    public GreenletExit(String message) {
        super(message);
    }
}
