package org.jstackless.internal.pickle;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import org.jstackless.internal.soft.MethodInfo;
import org.jstackless.internal.soft.WovenMethod;

/**
 * The pickle facts of the woven methods of this program: per method the fingerprint and slot
 * layouts the weaver recorded in its {@link WovenMethod} annotation, read by reflection and cached
 * per class.
 *
 * <p>The weaver computes the fingerprint from the method's original code (not from the woven
 * class file), its frame format version and the slot layouts (see the weaver's
 * {@code Canonical}): a method woven at build time and the same method woven by the agent have
 * the same fingerprint, and any change of the code or of the frames' shape changes it. Line
 * numbers are not part of it, so moving a method in its file does not invalidate pickles.
 */
public final class Fingerprints {
    /** A woven method's facts: its fingerprint and its sites' slot layouts. */
    public record Facts(long fingerprint, String layouts, MethodInfo.SiteLayout[] sites) {
    }

    private static final ClassValue<Map<String, Object>> CACHE = new ClassValue<>() {
        @Override
        protected Map<String, Object> computeValue(Class<?> c) {
            Map<String, Object> m = new HashMap<>();
            Method[] ms;
            try {
                ms = c.getDeclaredMethods();
            } catch (LinkageError e) {
                m.put("", "cannot list the methods of " + c.getName() + ": " + e);
                return m;
            }
            for (Method x : ms) {
                WovenMethod w = x.getAnnotation(WovenMethod.class);
                if (w == null) {
                    continue;
                }
                String desc = MethodType.methodType(x.getReturnType(), x.getParameterTypes()).toMethodDescriptorString();
                try {
                    m.put(x.getName() + desc, new Facts(w.fingerprint(), w.layouts(), MethodInfo.parseLayouts(w.layouts())));
                } catch (IllegalArgumentException e) {
                    m.put(x.getName() + desc, "its slot layouts are malformed (" + e.getMessage() + ")");
                }
            }
            return m;
        }
    };

    private Fingerprints() {
    }

    /**
     * The facts of woven method {@code owner.name desc} in this program; throws naming the method
     * when it does not exist or was not woven by a weaver that records them.
     */
    public static Facts of(Class<?> owner, String name, String desc) {
        Map<String, Object> m = CACHE.get(owner);
        Object v = m.get(name + desc);
        if (v instanceof Facts f) {
            return f;
        }
        String why = v instanceof String s ? s : m.get("") instanceof String s ? s
                : "no such woven method with suspension points (it is gone, or its class was woven by an older "
                        + "weaver: weave it again)";
        throw PickleErrors.notPicklable(owner.getName() + "." + name + desc + ": " + why);
    }

    static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xFF);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
