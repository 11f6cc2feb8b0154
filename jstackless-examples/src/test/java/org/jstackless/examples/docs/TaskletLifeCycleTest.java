package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.DeadlockException;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.junit.jupiter.api.Test;

/** Checks the life-cycle table and the claims of docs/tasklets.md that the tour does not show. */
class TaskletLifeCycleTest {
    /** alive, paused, scheduled, blocked: the table's columns. */
    private static String flags(Tasklet t) {
        return (t.isAlive() ? "T" : "F") + (t.isPaused() ? "T" : "F") + (t.isScheduled() ? "T" : "F")
                + (t.isBlocked() ? "T" : "F");
    }

    @Test
    void lifeCycleTable() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            List<String> seen = new ArrayList<>();
            TaskletBody body = () -> {
                seen.add("current " + flags(Stackless.current()));
                ch.send("x");
            };
            Tasklet t = new Tasklet(body);
            assertThat(flags(t)).as("bound").isEqualTo("FFFF");
            assertThat(t.tempval()).isSameAs(body);
            t.setup();
            assertThat(flags(t)).as("scheduled").isEqualTo("TFTF");
            assertThat(t.tempval()).isNull();
            t.remove();
            assertThat(flags(t)).as("paused").isEqualTo("TTFF");
            t.insert();
            Stackless.schedule();
            assertThat(seen).containsExactly("current TFTF");
            assertThat(flags(t)).as("blocked").isEqualTo("TFTT");
            assertThat(t.tempval()).isEqualTo("x");
            assertThat(t.blockedOn()).isSameAs(ch);
            assertThat(ch.receive()).isEqualTo("x");
            Stackless.run();
            assertThat(flags(t)).as("dead").isEqualTo("FFFF");
            assertThat(t.tempval()).isNull();
        });
    }

    @Test
    void mainIsPausedInsideRun() throws Exception {
        Stackless.runAsMain(() -> {
            List<String> seen = new ArrayList<>();
            Tasklet.spawn(() -> seen.add("main " + flags(Stackless.main()) + " runCount " + Stackless.runCount()));
            Stackless.run();
            assertThat(seen).containsExactly("main TTFF runCount 1");
        });
    }

    @Test
    void runJumpsTheHeadWithoutReordering() throws Exception {
        Stackless.runAsMain(() -> {
            List<String> seen = new ArrayList<>();
            Tasklet.spawn(() -> seen.add("a"));
            Tasklet.spawn(() -> seen.add("b"));
            Tasklet c = Tasklet.spawn(() -> seen.add("c"));
            c.run();
            seen.add("main");
            Stackless.run();
            assertThat(seen).containsExactly("c", "main", "a", "b");
        });
    }

    @Test
    void throwIntoAnUnstartedTaskletNeverRunsItsBody() throws Exception {
        Stackless.runAsMain(() -> {
            List<String> seen = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> seen.add("body"));
            assertThatThrownBy(() -> t.throwInto(new IllegalStateException("early")))
                    .hasMessage("early");
            assertThat(seen).isEmpty();
            assertThat(t.isAlive()).isFalse();
        });
    }

    @Test
    void killPendingMakesItRunnableAndRaisesLater() throws Exception {
        Stackless.runAsMain(() -> {
            List<String> seen = new ArrayList<>();
            Tasklet t = Tasklet.spawn(() -> {
                try {
                    Stackless.schedule();
                    seen.add("not reached");
                } finally {
                    seen.add("finally");
                }
            });
            Stackless.schedule();
            t.kill(true);
            assertThat(seen).isEmpty();
            assertThat(t.isScheduled()).isTrue();
            Stackless.run();
            assertThat(seen).containsExactly("finally");
            assertThat(t.isAlive()).isFalse();
        });
    }

    @Test
    void scheduleReturnsTheCallerByDefault() throws Exception {
        Stackless.runAsMain(() -> {
            assertThat(Stackless.schedule()).isSameAs(Stackless.main());
            assertThat(Stackless.schedule("v")).isEqualTo("v");
        });
    }

    @Test
    void switchTrapRefusesBeforeChangingAnything() throws Exception {
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> { });
            t.remove();
            assertThat(Stackless.switchTrap(1)).isZero();
            try {
                assertThatThrownBy(t::run).isInstanceOf(IllegalStateException.class).hasMessage("switch_trap");
                assertThat(t.isPaused()).isTrue();
                assertThat(Stackless.schedule("alone")).isEqualTo("alone");   // no switch: allowed
                t.insert();                                                   // no switch: allowed
                assertThatThrownBy(Stackless::schedule).hasMessage("switch_trap");
            } finally {
                Stackless.switchTrap(-1);
            }
        });
    }

    @Test
    void deadlockErrors() throws Exception {
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            assertThatThrownBy(ch::receive).isInstanceOf(DeadlockException.class)
                    .hasMessage("Deadlock: the last runnable tasklet cannot be blocked.");
            Tasklet.spawn(() -> { });
            assertThatThrownBy(ch::receive).isInstanceOf(DeadlockException.class)
                    .hasMessage("the main tasklet is receiving without a sender available.");
            assertThat(ch.balance()).isZero();
        });
    }

    @Test
    void errorHandlerSeesTheErrorInTheDyingTasklet() throws Exception {
        Stackless.runAsMain(() -> {
            List<String> seen = new ArrayList<>();
            var old = Stackless.setErrorHandler(e -> seen.add(e.getMessage() + " main=" + Stackless.current().isMain()));
            try {
                Tasklet.spawn(() -> {
                    throw new IllegalStateException("oops");
                });
                Stackless.run();
            } finally {
                Stackless.setErrorHandler(old);
            }
            assertThat(seen).containsExactly("oops main=false");
        });
    }

    @Test
    void callbacks() throws Exception {
        Stackless.runAsMain(() -> {
            List<String> seen = new ArrayList<>();
            Channel<String> ch = new Channel<>();
            var oldS = Stackless.setScheduleCallback((p, n) -> seen.add("switch " + (p.isMain() ? "main" : "t")
                    + "->" + (n.isMain() ? "main" : "t")));
            var oldC = Stackless.setChannelCallback((c, t, sending, willBlock) -> seen.add(
                    (t.isMain() ? "main" : "t") + (sending ? " sends " : " receives ") + t.tempval()
                            + (willBlock ? ", will block" : "")));
            try {
                Tasklet.spawn(() -> ch.send("v"));
                ch.receive();
            } finally {
                Stackless.setScheduleCallback(oldS);
                Stackless.setChannelCallback(oldC);
            }
            assertThat(seen).containsExactly("main receives null, will block", "switch main->t", "t sends v",
                    "switch t->main");
        });
    }
}
