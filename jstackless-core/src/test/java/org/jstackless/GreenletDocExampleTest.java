package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example quoted by docs/greenlets.md; runnable with {@link #main}, checked by the test. */
class GreenletDocExampleTest {
    // --- quoted: begin
    static List<String> example() throws Exception {
        List<String> out = new ArrayList<>();
        Stackless.runAsMain(() -> {
            Greenlet main = Greenlet.current();
            Greenlet worker = new Greenlet(args -> {
                out.add("worker started with " + args[0]);
                Object next = main.switchTo("ready");     // suspend; main's switchTo returns "ready"
                out.add("worker resumed with " + next);
                try {
                    main.switchTo("waiting");
                } finally {
                    out.add("worker cleans up");          // runs when main throws GreenletExit in
                }
                return "unreachable";
            });
            out.add("main got " + worker.switchTo("job-1")); // starts run("job-1")
            out.add("main got " + worker.switchTo("more"));  // resumes the pending switch
            Object r = worker.kill();                        // throwInto(new GreenletExit())
            out.add("kill returned a " + r.getClass().getSimpleName() + ", dead=" + worker.isDead());
        });
        return out;
    }
    // --- quoted: end

    public static void main(String[] args) throws Exception {
        example().forEach(System.out::println);
    }

    @Test
    void theDocumentedOutputIsWhatItPrints() throws Exception {
        assertThat(example()).containsExactly("worker started with job-1", "main got ready",
                "worker resumed with more", "main got waiting", "worker cleans up",
                "kill returned a GreenletExit, dead=true");
    }
}
