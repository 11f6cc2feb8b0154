package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jstackless.observe.ChannelInfo;
import org.jstackless.observe.SchedulerInfo;
import org.jstackless.observe.TaskletDump;
import org.jstackless.observe.TaskletInfo;
import org.jstackless.observe.TaskletState;
import org.junit.jupiter.api.Test;

/** A dump lists every tasklet of {@link DumpScenario} exactly once, with its state and the user's frames. */
class TaskletDumpTest {

    @Test
    void everyStateOnceWithItsFrames() throws Exception {
        Stackless.runAsMain(() -> {
            DumpScenario s = new DumpScenario();
            s.start();
            try {
                TaskletDump d = TaskletDump.capture();
                String text = d.toText();
                List<TaskletInfo> all = d.tasklets();
                // Exactly once each, across every scheduler of the JVM.
                assertThat(all.stream().map(TaskletInfo::id).distinct().count()).as(text).isEqualTo(all.size());
                Map<Long, TaskletInfo> byId = all.stream().collect(Collectors.toMap(TaskletInfo::id, Function.identity()));

                SchedulerInfo mine = schedulerOf(d, Thread.currentThread().getName());
                assertThat(mine.consistent()).isTrue();
                assertThat(ids(mine)).as(text).contains(s.softReceiver.id, s.hardSender.id, s.scheduled.id,
                        s.blocker.id, s.sleeper.id, Stackless.main().id);

                TaskletInfo main = byId.get(Stackless.main().id);
                assertThat(main.state()).isEqualTo(TaskletState.RUNNING);
                assertThat(main.main()).isTrue();
                assertThat(main.stack()).as(text).anyMatch(e -> e.getClassName().equals(TaskletDumpTest.class.getName()));

                TaskletInfo soft = byId.get(s.softReceiver.id);
                assertThat(soft.state()).isEqualTo(TaskletState.BLOCKED_RECEIVING);
                assertThat(soft.soft()).isTrue();
                assertThat(soft.channel()).isEqualTo(Probe.name(s.softChannel));
                assertThat(soft.detail()).contains("balance -1");
                frame(soft, "softReceive", DumpScenario.softReceiveLine);

                TaskletInfo hard = byId.get(s.hardSender.id);
                assertThat(hard.state()).isEqualTo(TaskletState.BLOCKED_SENDING);
                assertThat(hard.soft()).isFalse();
                frame(hard, "hardSend", DumpScenario.hardSendLine); // from the JDK continuation

                TaskletInfo sched = byId.get(s.scheduled.id);
                assertThat(sched.state()).isEqualTo(TaskletState.SCHEDULED);
                frame(sched, "yielder", DumpScenario.yieldLine);

                TaskletInfo blocking = byId.get(s.blocker.id);
                assertThat(blocking.state()).isEqualTo(TaskletState.BLOCKING);
                assertThat(blocking.detail()).contains("runs on the blocking pool");
                frame(blocking, "blocker", DumpScenario.blockingLine);

                TaskletInfo sleeping = byId.get(s.sleeper.id);
                assertThat(sleeping.state()).isEqualTo(TaskletState.SLEEPING);
                frame(sleeping, "sleeper", DumpScenario.sleepLine);

                // Two carriers, each describing itself on its own thread.
                SchedulerInfo c0 = schedulerOf(d, s.pool.threads().get(0).getName());
                SchedulerInfo c1 = schedulerOf(d, s.pool.threads().get(1).getName());
                assertThat(c0.kind()).isEqualTo("carrier");
                assertThat(c0.consistent()).as(text).isTrue();
                assertThat(c1.consistent()).as(text).isTrue();
                assertThat(ids(c0)).contains(s.poolSoft.id).doesNotContain(s.poolHard.id);
                assertThat(ids(c1)).contains(s.poolHard.id).doesNotContain(s.poolSoft.id);
                TaskletInfo ps = byId.get(s.poolSoft.id);
                TaskletInfo ph = byId.get(s.poolHard.id);
                assertThat(ps.state()).isEqualTo(TaskletState.BLOCKED_RECEIVING);
                assertThat(ps.soft()).isTrue();
                assertThat(ph.state()).isEqualTo(TaskletState.BLOCKED_RECEIVING);
                assertThat(ph.soft()).isFalse();
                frame(ps, "poolReceive", DumpScenario.poolReceiveLine);
                frame(ph, "poolReceive", DumpScenario.poolReceiveLine);

                ChannelInfo pc = d.channels().stream().filter(c -> c.channel().equals(Probe.name(s.poolChannel)))
                        .findFirst().orElseThrow();
                assertThat(pc.balance()).isEqualTo(-2);
                assertThat(pc.queue()).containsExactly(s.poolSoft.id, s.poolHard.id);

                // The text and JSON forms carry the same.
                assertThat(text).contains("Tasklet " + s.hardSender.id + " BLOCKED_SENDING hard",
                        "at " + DumpScenario.class.getName() + ".softReceive(DumpScenario.java:" + DumpScenario.softReceiveLine + ")");
                String json = d.toJson();
                assertThat(json).startsWith("{\"time\":").contains("\"id\":" + s.sleeper.id + ",\"state\":\"SLEEPING\"")
                        .contains("{\"class\":\"" + DumpScenario.class.getName() + "\",\"method\":\"yielder\"");
            } finally {
                s.stop();
            }
        });
    }

    @Test
    void schedulerBusyInPlainCodeIsReadFromOutside() throws Exception {
        Channel<String> ch = new Channel<>();
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        long[] id = new long[1];
        Thread t = Thread.ofPlatform().name("dump-busy").start(() -> {
            try {
                Stackless.runAsMain(() -> {
                    id[0] = Tasklet.spawn(() -> DumpScenario.softReceive(ch)).id;
                    Stackless.schedule();
                    ready.countDown();
                    done.await(); // plain code: this scheduler never comes by to describe itself
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            ready.await();
            TaskletDump d = Bridge().capture(50);
            SchedulerInfo busy = schedulerOf(d, "dump-busy");
            assertThat(busy.consistent()).isFalse();
            TaskletInfo r = busy.tasklets().stream().filter(i -> i.id() == id[0]).findFirst().orElseThrow();
            assertThat(r.state()).isEqualTo(TaskletState.BLOCKED_RECEIVING);
            frame(r, "softReceive", DumpScenario.softReceiveLine); // soft frames are plain heap data
            assertThat(d.toText()).contains("may be inconsistent");
        } finally {
            done.countDown();
            t.join();
        }
    }

    @Test
    void pausedTaskletsAreListedOnlyWhileTrackingIsInstalled() throws Exception {
        Stackless.runAsMain(() -> {
            Tasklet before = Tasklet.spawn(DumpScenario::yielder);
            before.run();
            before.remove();
            assertThat(ids(TaskletDump.capture())).doesNotContain(before.id);
            org.jstackless.observe.TaskletTracking.install();
            try {
                Tasklet t = Tasklet.spawn(DumpScenario::yielder);
                t.run();      // it runs to its schedule() and comes back to main...
                t.remove();   // ...and leaves the run queue: referenced by this variable only
                TaskletDump d = TaskletDump.capture();
                TaskletInfo p = d.tasklets().stream().filter(i -> i.id() == t.id).findFirst()
                        .orElseThrow(() -> new AssertionError(d.toText()));
                assertThat(p.state()).isEqualTo(TaskletState.PAUSED);
                frame(p, "yielder", DumpScenario.yieldLine);
                assertThat(ids(d)).doesNotContain(before.id); // set up before the install
                t.kill();
            } finally {
                org.jstackless.observe.TaskletTracking.uninstall();
            }
            before.kill();
        });
    }

    private static List<Long> ids(TaskletDump d) {
        return d.tasklets().stream().map(TaskletInfo::id).toList();
    }

    private static org.jstackless.internal.observe.Bridge.Source Bridge() {
        return org.jstackless.internal.observe.Bridge.source();
    }

    private static SchedulerInfo schedulerOf(TaskletDump d, String thread) {
        return d.schedulers().stream().filter(s -> s.thread().equals(thread)).findFirst()
                .orElseThrow(() -> new AssertionError("no scheduler of " + thread + " in\n" + d.toText()));
    }

    private static List<Long> ids(SchedulerInfo s) {
        return s.tasklets().stream().map(TaskletInfo::id).toList();
    }

    /** The innermost user frame is {@code method} of DumpScenario at {@code line}. */
    private static void frame(TaskletInfo t, String method, int line) {
        assertThat(t.stack()).as("stack of tasklet %d", t.id()).isNotEmpty();
        StackTraceElement top = t.stack().get(0);
        assertThat(top.getClassName()).as("%s", t.stack()).isEqualTo(DumpScenario.class.getName());
        assertThat(top.getMethodName()).isEqualTo(method);
        assertThat(top.getLineNumber()).isEqualTo(line);
    }
}
