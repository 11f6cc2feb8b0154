package org.jstackless.examples.net;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jstackless.Channel;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.net.TaskletSocket;

/**
 * {@code ./jstackless example chat-server --port PORT}: the classic Stackless chat. Each client is a
 * tasklet that reads its lines; everything said goes over one channel to a broadcaster tasklet,
 * which writes it to every client. Say your name first; {@code /quit} leaves.
 *
 * <p>One scheduler, so the broadcaster's member table needs no lock. A client whose socket does not
 * take a line within 5 s is dropped rather than allowed to stall the room.
 */
public final class ChatServer {
    /** What goes to the broadcaster: a join, a line said, a leave. */
    sealed interface Event permits Joined, Said, Left {
    }

    record Joined(String name, TaskletSocket socket) implements Event {
    }

    record Said(String name, String text) implements Event {
    }

    record Left(String name) implements Event {
    }

    private final Channel<Event> events = new Channel<>();
    private Tasklet broadcaster;
    private int joins;

    /** The broadcaster: owns the member table, writes every line to every member. */
    private void broadcast() throws Suspendable {
        Map<String, TaskletSocket> members = new LinkedHashMap<>();
        while (true) {
            Event e = events.receive();
            String line;
            switch (e) {
                case Joined j -> {
                    members.put(j.name(), j.socket());
                    line = "* " + j.name() + " joined (" + members.size() + " here)";
                }
                case Said s -> line = s.name() + ": " + s.text();
                case Left l -> {
                    members.remove(l.name());
                    line = "* " + l.name() + " left";
                }
            }
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            for (var it = members.entrySet().iterator(); it.hasNext(); ) {
                TaskletSocket s = it.next().getValue();
                try {
                    s.writeAll(bytes);
                } catch (IOException slowOrGone) {
                    it.remove();
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // already gone
                    }
                }
            }
        }
    }

    /** One client: ask its name, then pass its lines to the broadcaster until it leaves. */
    public void handle(TaskletSocket c) throws IOException, Suspendable {
        startBroadcaster();
        c.setWriteTimeout(Duration.ofSeconds(5));
        c.writeAll("name?\n".getBytes(StandardCharsets.UTF_8));
        String name;
        try {
            name = c.readLine(64);
        } catch (ProtocolException e) {
            c.writeAll("names have at most 64 bytes\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (name == null || name.isBlank()) {
            return;
        }
        name = name.strip() + "#" + (++joins); // unique even if two pick the same name
        events.send(new Joined(name, c));
        try {
            String line;
            while ((line = c.readLine(1024)) != null && !line.equals("/quit")) {
                events.send(new Said(name, line));
            }
        } catch (IOException e) {
            // reset or line too long: that client leaves
        }
        events.send(new Left(name));
    }

    /** Starts the broadcaster on the first client's scheduler (everything runs on that one thread). */
    private void startBroadcaster() {
        if (broadcaster == null) {
            broadcaster = Tasklet.spawn(this::broadcast);
        }
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--carriers")) {
                throw new IllegalArgumentException("chat-server runs on one scheduler; it takes no --carriers");
            }
        }
        ChatServer chat = new ChatServer();
        ServerRunner.main("chat-server", args, chat::handle);
    }
}
