package org.jstackless.durable.tool;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.jstackless.durable.DurableInfo;
import org.jstackless.durable.DurableRuntime;

/**
 * Operations on a stopped program's durable store directory ({@code ./jstackless durable ...}):
 *
 * <pre>
 *   list DIR          every durable tasklet: id, state, sequence number, channel or wake-up time, detail
 *   show DIR ID       its last checkpoint: the row, then its frames and values (the pickle inspector)
 *   kill DIR ID       end it FAILED "killed", running nothing of it
 *   purge DIR ID      delete a finished or failed one
 * </pre>
 *
 * The program must be stopped (the store's lock refuses a second opener, saying so); the tool
 * opens the store for operations only, so it resumes nothing and needs none of the program's classes.
 */
public final class DurableTool {
    private DurableTool() {
    }

    /** Runs one command; the exit status. */
    public static int run(List<String> args, PrintStream out) throws Exception {
        if (args.size() < 2 || !List.of("list", "show", "kill", "purge").contains(args.get(0))
                || (args.size() != (args.get(0).equals("list") ? 2 : 3))) {
            out.println("usage: durable list DIR | show DIR ID | kill DIR ID | purge DIR ID");
            return 2;
        }
        Path dir = Path.of(args.get(1));
        if (!java.nio.file.Files.exists(dir.resolve("signing.key"))) {
            out.println("durable: no durable store in " + dir + " (no signing.key there)");
            return 1;
        }
        try (DurableRuntime rt = DurableRuntime.builder(dir).operationsOnly().open()) {
            switch (args.get(0)) {
                case "list" -> {
                    for (DurableInfo i : rt.list()) {
                        out.println(i.id() + "\t" + i.state() + "\t#" + i.seq()
                                + (i.channel().isEmpty() ? "" : "\ton " + i.channel())
                                + (i.wakeAt() == null ? "" : "\tuntil " + i.wakeAt())
                                + (i.detail().isEmpty() ? "" : "\t" + i.detail()));
                    }
                }
                case "show" -> out.println(rt.describe(args.get(2)));
                case "kill" -> out.println(rt.kill(args.get(2)) ? "killed " + args.get(2) : "not live: " + args.get(2));
                default -> out.println(rt.purge(args.get(2)) ? "purged " + args.get(2) : "not done: " + args.get(2));
            }
            return 0;
        } catch (IllegalStateException | IllegalArgumentException e) {
            out.println("durable: " + e.getMessage());
            return 1;
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args), System.out));
    }
}
