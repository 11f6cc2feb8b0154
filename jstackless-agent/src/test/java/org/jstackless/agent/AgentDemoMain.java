package org.jstackless.agent;

import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Switching;

/** Run in a child JVM by {@link AgentIT}: prints what the agent changed. Not woven at build time. */
public final class AgentDemoMain {
    private AgentDemoMain() {
    }

    static int deep(int n, Channel<Integer> ch) throws Suspendable {
        return n == 0 ? ch.receive() : n + deep(n - 1, ch);
    }

    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            int[] got = new int[1];
            Tasklet t = Tasklet.spawn(() -> got[0] = deep(3, ch));
            Stackless.schedule();
            System.out.println("soft=" + t.isSoft() + " depth=" + t.recursionDepth());
            ch.send(100);
            System.out.println("result=" + got[0]);
        });
        System.out.println("continuations=" + Switching.continuationsAvailable());
    }
}
