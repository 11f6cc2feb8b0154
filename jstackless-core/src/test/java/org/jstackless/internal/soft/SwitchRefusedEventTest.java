package org.jstackless.internal.soft;

import org.jstackless.testing.WeavingLoader;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.jstackless.TaskletBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refusal of a soft switch through an unwoven frame is recorded as {@code jstackless.SwitchRefused}, naming the frame. */
class SwitchRefusedEventTest {

    @Test
    void refusalNamesTheUnwovenFrame(@TempDir Path dir) throws Exception {
        Map<String, byte[]> plain = WeavingLoader.compile(Map.of(
                "t.W", SoftBasicsTest.HEADER + """
                        public class W {
                            public static Object prim() throws Suspendable { return pause(); }
                            public static org.jstackless.TaskletBody body() {
                                return () -> U.middle();
                            }
                        }
                        """,
                "t.U", SoftBasicsTest.HEADER + """
                        public class U {
                            static void middle() throws Suspendable { W.prim(); }
                        }
                        """));
        Map<String, byte[]> w = new HashMap<>(WeavingLoader.weave(plain));
        w.put("t.U", plain.get("t.U")); // U is left unwoven
        TaskletBody b = (TaskletBody) WeavingLoader.load(w).loadClass("t.W").getMethod("body").invoke(null);
        Path file = dir.resolve("refused.jfr");
        try (Recording r = new Recording()) {
            r.enable("jstackless.SwitchRefused");
            r.start();
            List<TestSched.Outcome> out = TestSched.run(List.of(b));
            assertThat(out.get(0).error).isInstanceOf(IllegalStateException.class);
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("jstackless.SwitchRefused")).toList();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getString("frame")).startsWith("t.U.middle(");
        assertThat(events.get(0).getBoolean("deferred")).isFalse();
    }
}
