package org.jstackless.pickle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.Pickler;

/** Shared key, sink and pickler of the pickling tests. */
final class PickleTestSupport {
    static final byte[] KEY = "jstackless-test-signing-key".getBytes(StandardCharsets.UTF_8);
    /** Output of tasklets: static, so it is not pickled with them. */
    static final List<String> OUT = new ArrayList<>();

    private PickleTestSupport() {
    }

    static Pickler.Builder builder(Class<?>... more) {
        return Pickler.builder().signingKey(KEY).allow(more);
    }
}
