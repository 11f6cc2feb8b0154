package org.jstackless.durable.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checkpoint's code version, for listing (version pinning): 12 hex digits of a SHA-256 over the
 * sorted fingerprints of the methods its frames run, as the pickle inspector lists them. Two
 * checkpoints have the same version exactly when their frames need the same code; a node whose
 * code differs from a version refuses those checkpoints.
 */
public final class Versions {
    /** A method line of the inspector's text: four spaces, 16 hex digits, two spaces, the method. */
    private static final Pattern METHOD = Pattern.compile("(?m)^    ([0-9a-f]{16})  (\\S.*)$");

    private Versions() {
    }

    /** The version of a checkpoint described by {@code inspectorText}; "" when it holds no frame. */
    public static String of(String inspectorText) {
        TreeSet<String> methods = new TreeSet<>();
        Matcher m = METHOD.matcher(inspectorText);
        while (m.find()) {
            methods.add(m.group(1) + " " + m.group(2));
        }
        if (methods.isEmpty()) {
            return "";
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String x : methods) {
                d.update(x.getBytes(StandardCharsets.UTF_8));
                d.update((byte) '\n');
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
