package org.jstackless.examples;

/** The README's demo: what {@code ./jstackless demo} runs. */
public final class Main {
    private Main() {
    }

    /** Runs the ping-pong demo. */
    public static void main(String[] args) throws Exception {
        PingPong.main(args);
    }
}
