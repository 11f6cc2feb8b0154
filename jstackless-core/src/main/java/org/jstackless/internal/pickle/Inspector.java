package org.jstackless.internal.pickle;

import java.security.MessageDigest;
import java.util.HashMap;
import org.jstackless.internal.soft.MethodInfo;

/**
 * Describes a pickle without loading any class or creating any object of the program: the
 * envelope's fields, the methods with their fingerprints, then each frame (innermost first, like a
 * thread dump) as {@code class.method(File.java:line)} with its saved values, typed by the call
 * site's slot layout the pickle carries: each value as {@code declared-type  value} in save order
 * (locals, then operand stack). Without a usable layout, raw reference and 64-bit primitive slots.
 */
public final class Inspector {
    /** The limits the inspector reads with (a {@code Pickler}'s defaults). */
    public static final int MAX_OBJECTS = 1 << 20;
    public static final int MAX_FRAMES = 1 << 20;
    /** The longest description: past it, the rest of the frames, roots and methods are left out (said at the end). */
    public static final int MAX_TEXT = 4 << 20;

    private Inspector() {
    }

    public static String describe(byte[] p, byte[] key) {
        StringBuilder sb = new StringBuilder();
        Envelope e = Envelope.header(p);
        sb.append("jstackless pickle, ").append(p.length).append(" bytes\n");
        sb.append(String.format("  format version  %d%n", e.formatVersion));
        sb.append(String.format("  program         %016x%n", e.programFingerprint));
        sb.append(String.format("  tasklet         %s%n", e.identity()));
        sb.append(String.format("  sequence        %d%n", e.sequence));
        sb.append(String.format("  payload         %d bytes%n", e.payloadLength));
        String sig;
        if (key == null) {
            sig = "not checked (no key given)";
        } else {
            byte[] mac = Envelope.mac(key, p, p.length - Envelope.MAC);
            sig = MessageDigest.isEqual(mac, java.util.Arrays.copyOfRange(p, p.length - Envelope.MAC, p.length))
                    ? "valid (HMAC-SHA256)" : "INVALID: tampered, or another key";
        }
        sb.append("  signature       ").append(sig).append('\n');
        Payload pl;
        try {
            // A Pickler's default limits: memory and time stay proportional to what a loadable pickle can hold.
            pl = Payload.parse(Envelope.payload(p), new HashMap<>(), MAX_OBJECTS, MAX_FRAMES);
        } catch (RuntimeException x) {
            if (!PickleErrors.isNotPicklable(x)) {
                throw x;
            }
            return sb.append("  payload cannot be decoded: ").append(x.getMessage()).append('\n').toString();
        }
        ObjectReader o = pl.objects;
        String[] states = {"bound (not started)", "alive, not started", "suspended"};
        sb.append("  state           ").append(states[pl.state]);
        if ((pl.flags & 1) != 0) {
            sb.append(", atomic");
        }
        if ((pl.flags & 2) != 0) {
            sb.append(", block trap");
        }
        sb.append('\n');
        sb.append("  tempval         ").append(o.describe(pl.tempval)).append('\n');
        if (pl.body != 0) {
            sb.append("  body            ").append(o.describe(pl.body)).append('\n');
        }
        sb.append("  blocked on      ").append(pl.channel == 0 ? "-" : o.describe(pl.channel)
                + (pl.blocked > 0 ? ", sending" : ", receiving")).append('\n');
        for (int i = 0; i < pl.rootNames.length && !full(sb); i++) {
            sb.append("  root ").append(pl.rootNames[i]).append("  ").append(o.describe(pl.rootIds[i])).append('\n');
        }
        sb.append("  objects         ").append(o.count()).append('\n');
        sb.append("  methods         ").append(pl.methods.length).append('\n');
        for (int i = 0; i < pl.methods.length && !full(sb); i++) {
            Payload.MethodRef m = pl.methods[i];
            sb.append(String.format("    %016x  %s%n", m.fingerprint, m.display()));
        }
        // Each method's layouts parsed once (a frame refers to its method's): time linear in the pickle.
        MethodInfo.SiteLayout[][] layouts = new MethodInfo.SiteLayout[pl.methods.length][];
        for (int i = 0; i < layouts.length; i++) {
            try {
                layouts[i] = MethodInfo.parseLayouts(pl.methods[i].layouts);
            } catch (IllegalArgumentException x) {
                layouts[i] = null;
            }
        }
        sb.append("  frames          ").append(pl.frames.length).append(" (innermost first)\n");
        describeFrames(sb, pl, layouts);
        if (sb.length() >= MAX_TEXT) {
            sb.append("  ... description cut at ").append(MAX_TEXT).append(" characters\n");
        }
        return sb.toString();
    }

    private static void describeFrames(StringBuilder sb, Payload pl, MethodInfo.SiteLayout[][] layouts) {
        ObjectReader o = pl.objects;
        // Per site layout, its number of primitive slots: counted once, however many frames share the site.
        java.util.Map<MethodInfo.SiteLayout, Long> prims = new java.util.IdentityHashMap<>();
        frames(sb, pl, pl.frames, layouts, prims);
        for (int id : o.framedIds()) {
            Payload.FrameRec[] fs = o.framesOf(id);
            if (fs.length > 0 && !full(sb)) {
                sb.append("  ").append(o.describe(id)).append(", innermost first\n");
                frames(sb, pl, fs, layouts, prims);
            }
        }
    }

    /** Whether the description reached its limit. */
    private static boolean full(StringBuilder sb) {
        return sb.length() >= MAX_TEXT;
    }

    private static void frames(StringBuilder sb, Payload pl, Payload.FrameRec[] frames, MethodInfo.SiteLayout[][] layouts,
            java.util.Map<MethodInfo.SiteLayout, Long> primCounts) {
        ObjectReader o = pl.objects;
        for (int i = frames.length - 1; i >= 0 && !full(sb); i--) {
            Payload.FrameRec f = frames[i];
            Payload.MethodRef m = pl.methods[f.method];
            int line = f.site < m.lines.length ? m.lines[f.site] : 0;
            String file = m.file.isEmpty() ? "Unknown Source" : m.file + (line > 0 ? ":" + line : "");
            sb.append("    at ").append(m.className).append('.').append(m.name).append('(').append(file).append(')')
                    .append("  [call site ").append(f.site).append(']').append('\n');
            if (!m.isStatic) {
                sb.append("         this  ").append(o.describe(f.self)).append('\n');
            }
            java.util.List<String> slots = slots(layouts[f.method], f, primCounts);
            if (slots == null) {
                // No usable layout: show the raw slots.
                for (int j = 0; j < f.refs.length && !full(sb); j++) {
                    sb.append("         ref   ").append(o.describe(f.refs[j])).append('\n');
                }
                for (int j = 0; j < f.prims.length && !full(sb); j++) {
                    sb.append("         prim  ").append(f.prims[j]).append('\n');
                }
                continue;
            }
            int ri = 0;
            int pi = 0;
            for (String d : slots) {
                if (full(sb)) {
                    return;
                }
                sb.append("         ");
                switch (d) {
                    case "I" -> sb.append("int    ").append((int) f.prims[pi++]);
                    case "J" -> sb.append("long   ").append(f.prims[pi++]);
                    case "F" -> sb.append("float  ").append(Float.intBitsToFloat((int) f.prims[pi++]));
                    case "D" -> sb.append("double ").append(Double.longBitsToDouble(f.prims[pi++]));
                    default -> sb.append(Type.display(d)).append("  ").append(o.describe(f.refs[ri++]));
                }
                sb.append('\n');
            }
        }
    }

    /** The frame's slot descriptors in save order, if the pickle's layout for its site fits its slots; else null. */
    private static java.util.List<String> slots(MethodInfo.SiteLayout[] sites, Payload.FrameRec f,
            java.util.Map<MethodInfo.SiteLayout, Long> primCounts) {
        if (sites == null || f.site >= sites.length) {
            return null;
        }
        MethodInfo.SiteLayout site = sites[f.site];
        java.util.List<String> slots = site.slots();
        long prims = primCounts.computeIfAbsent(site, x -> x.slots().stream().filter(d -> d.length() == 1).count());
        return prims == f.prims.length && slots.size() - prims == f.refs.length ? slots : null;
    }

    /** Descriptors as Java types, for display. */
    private static final class Type {
        static String display(String d) {
            int dims = 0;
            while (d.charAt(dims) == '[') {
                dims++;
            }
            String e = d.substring(dims);
            String base = switch (e) {
                case "I" -> "int";
                case "J" -> "long";
                case "F" -> "float";
                case "D" -> "double";
                case "Z" -> "boolean";
                case "B" -> "byte";
                case "C" -> "char";
                case "S" -> "short";
                default -> e.substring(e.lastIndexOf('/') + 1, e.length() - 1);
            };
            return base + "[]".repeat(dims);
        }
    }
}
