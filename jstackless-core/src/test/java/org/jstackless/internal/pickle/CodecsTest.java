package org.jstackless.internal.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.Supplier;
import org.jstackless.Channel;
import org.jstackless.Greenlet;
import org.jstackless.Pickler;
import org.junit.jupiter.api.Test;

/** The registry of pickled kinds: one codec per tag, and which codec writes which class. */
class CodecsTest {
    static {
        // The pickle layer is set up by the runtime (its codecs, its errors) when Pickler initialises.
        org.jstackless.Pickler.builder();
    }

    enum E { A, B { } }

    record R(int x) {
    }

    static final class Plain {
    }

    static final class MyGreenlet extends Greenlet {
    }

    @Test
    void everyKindOfTheFormatHasExactlyOneCodecWithItsTag() {
        Codecs c = Codecs.standard();
        Set<Integer> tags = new HashSet<>();
        for (int tag = 0; tag < 256; tag++) {
            Codec k = c.forTag(tag);
            if (k != null) {
                assertThat(k.tag()).isEqualTo(tag);
                tags.add(tag);
            }
        }
        // Format version 3: the core's kinds 1..23, the sync primitives' 24..29, the select 30 (added: a
        // reader of this version refuses it by its kind; a new kind takes 31).
        assertThat(tags).hasSize(30).allMatch(t -> t >= 1 && t <= 30);
    }

    @Test
    void theFirstCodecInRegistryOrderWritesAClass() {
        Codecs c = Codecs.standard();
        assertThat(c.forClass(String.class).tag()).isEqualTo(Kinds.STRING);
        assertThat(c.forClass(Integer.class).tag()).isEqualTo(Kinds.INT);
        assertThat(c.forClass(E.A.getClass()).tag()).isEqualTo(Kinds.ENUM);
        assertThat(c.forClass(E.B.getClass()).tag()).as("a constant with a body").isEqualTo(Kinds.ENUM);
        assertThat(c.forClass(R.class).tag()).isEqualTo(Kinds.RECORD);
        assertThat(c.forClass(int[].class).tag()).isEqualTo(Kinds.PARRAY);
        assertThat(c.forClass(R[].class).tag()).isEqualTo(Kinds.OARRAY);
        assertThat(c.forClass(ArrayList.class).tag()).isEqualTo(Kinds.LIST);
        assertThat(c.forClass(HashMap.class).tag()).isEqualTo(Kinds.MAP);
        assertThat(c.forClass(LinkedHashMap.class).tag()).isEqualTo(Kinds.LMAP);
        assertThat(c.forClass(Channel.class).tag()).isEqualTo(Kinds.CHANNEL);
        Supplier<String> lambda = () -> "x";
        assertThat(c.forClass(lambda.getClass()).tag()).isEqualTo(Kinds.LAMBDA);
        assertThat(c.forClass(Plain.class).tag()).isEqualTo(Kinds.PLAIN);
        assertThat(c.forClass(Greenlet.class).tag()).isEqualTo(Payload.COROUTINE);
        assertThat(c.forClass(MyGreenlet.class).tag()).as("refused by the greenlet codec, saying why")
                .isEqualTo(Payload.COROUTINE);
        assertThat(c.forClass(org.jstackless.sync.Lock.class).tag()).isEqualTo(24);
        assertThat(c.forClass(org.jstackless.sync.Event.class).tag()).isEqualTo(26);
        assertThat(c.forClass(Pickler.class).tag()).as("anything else: plain (allowed or refused)").isEqualTo(Kinds.PLAIN);
    }
}
