package org.jstackless.examples.net;

import java.util.Arrays;

/** {@code ./jstackless example NAME ARGS}: runs one of the network examples. */
public final class NetExamples {
    private NetExamples() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (name) {
                case "echo-server" -> EchoServer.main(rest);
                case "http-server" -> HttpServer.main(rest);
                case "chat-server" -> ChatServer.main(rest);
                default -> {
                    System.err.println("usage: ./jstackless example echo-server|http-server|chat-server --port PORT [--carriers N]");
                    System.exit(2);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
