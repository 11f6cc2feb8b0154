package org.jstackless.agent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jstackless.Channel;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * Run in child JVMs by {@link AgentIT}: {@code --save FILE} pickles a tasklet suspended in
 * {@link #job}, {@code --load FILE} loads it and runs it to the end. One JVM has this class woven at
 * build time (the weaver's directory mode, as the Maven plugin runs it), the other by the agent:
 * the pickle must move between them.
 */
public final class AgentPickleMain {
    static final byte[] KEY = "agent pickle test key, not a secret".getBytes(StandardCharsets.UTF_8);

    private AgentPickleMain() {
    }

    static int job(Channel<Integer> ch, int n) throws Suspendable {
        int acc = n * 10;
        int got = ch.receive();
        return acc + got;
    }

    static void report(int v) {
        System.out.println("result=" + v);
    }

    static Pickler pickler() {
        return Pickler.builder().allow(AgentPickleMain.class).signingKey(KEY).build();
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        if (args[0].equals("--save")) {
            Stackless.runAsMain(() -> {
                Channel<Integer> ch = new Channel<>();
                Tasklet t = Tasklet.spawn(() -> report(job(ch, 4)));
                Stackless.schedule();
                Files.write(file, pickler().dumps(t));
                System.out.println("saved soft=" + t.isSoft() + " depth=" + t.recursionDepth());
                t.kill();
            });
        } else {
            byte[] b = Files.readAllBytes(file);
            Stackless.runAsMain(() -> {
                Tasklet t = pickler().loads(b);
                System.out.println("loaded depth=" + t.recursionDepth());
                t.setTempval(5); // what the interrupted receive() returns
                t.run();
            });
        }
    }
}
