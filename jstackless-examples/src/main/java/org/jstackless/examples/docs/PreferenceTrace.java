package org.jstackless.examples.docs;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;

/**
 * The traces of docs/channels.md: a sender S, a receiver R and a bystander X that only calls
 * schedule(), under each preference and under scheduleAll.
 */
public final class PreferenceTrace {
    private PreferenceTrace() {
    }

    /** The events of one run; {@code preference} is -1, 0 or +1, or null for scheduleAll. */
    public static List<String> trace(Integer preference) throws Suspendable {
        List<String> log = new ArrayList<>();
        Channel<Integer> ch = new Channel<>();
        if (preference == null) {
            ch.setScheduleAll(true);
        } else {
            ch.setPreference(preference);
        }
        Tasklet.spawn(() -> {
            for (int i = 1; i <= 2; i++) {
                log.add("S send " + i);
                ch.send(i);
                log.add("S sent " + i);
            }
        });
        Tasklet.spawn(() -> {
            for (int i = 1; i <= 2; i++) {
                log.add("R receive");
                log.add("R got " + ch.receive());
            }
        });
        Tasklet.spawn(() -> {
            for (int i = 1; i <= 2; i++) {
                log.add("X " + i);
                Stackless.schedule();
            }
        });
        Stackless.run();
        return log;
    }

    /** Prints the four traces side by side. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> {
            Integer[] modes = {-1, 0, 1, null};
            List<List<String>> traces = new ArrayList<>();
            for (Integer m : modes) {
                traces.add(trace(m));
            }
            System.out.println(String.format("%-12s %-12s %-12s %s", "pref -1", "pref 0", "pref +1", "scheduleAll"));
            for (int row = 0; row < traces.get(0).size(); row++) {
                StringBuilder line = new StringBuilder();
                for (List<String> t : traces) {
                    line.append(String.format("%-12s ", t.get(row)));
                }
                System.out.println(line.toString().stripTrailing());
            }
        });
    }
}
