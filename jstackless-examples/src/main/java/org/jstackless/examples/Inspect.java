package org.jstackless.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;

/**
 * {@code jstackless inspect}: prints a pickle's envelope and frames without loading anything.
 * <pre>  java -cp ... org.jstackless.examples.Inspect FILE [--key TEXT | --demo-key]</pre>
 * With a key it also says whether the signature is valid. To make a FILE to look at:
 * {@code java -cp ... org.jstackless.examples.PickleDemo --save FILE} (the plain demo deletes its pickle).
 */
public final class Inspect {
    private Inspect() {
    }

    /** Prints the description of the pickle in {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1 && !(args.length == 2 && args[1].equals("--demo-key"))
                && !(args.length == 3 && args[1].equals("--key"))) {
            System.err.println("usage: Inspect FILE [--key TEXT | --demo-key]   (make a FILE with PickleDemo --save FILE)");
            System.exit(2);
        }
        byte[] key = args.length == 3 ? args[2].getBytes(StandardCharsets.UTF_8)
                : args.length == 2 ? PickleDemo.KEY : null;
        try {
            System.out.print(Pickler.describe(Files.readAllBytes(Path.of(args[0])), key));
        } catch (NotPicklableException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
