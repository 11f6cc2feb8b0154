package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.jstackless.internal.observe.Bridge;
import org.jstackless.observe.SchedulerMetrics;
import org.jstackless.observe.TaskletsMXBean;
import org.junit.jupiter.api.Test;

/** The metrics MBean: per-scheduler counts, switches, steals and the blocking pool, through the platform MBean server. */
class TaskletsMXBeanTest {

    @Test
    void countsPerSchedulerAndDumpOperation() throws Exception {
        Bridge.startObservers(true);
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = Bridge.mbeanName(); // this copy's: a test may have loaded another copy in a module layer
        assertThat(mbs.isRegistered(name)).isTrue();
        TaskletsMXBean bean = JMX.newMXBeanProxy(mbs, name, TaskletsMXBean.class);
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 3; i++) {
                Tasklet.spawn(() -> ch.receive());
            }
            Tasklet.spawn(() -> Stackless.blocking(() -> release.await(1, TimeUnit.MINUTES)));
            Tasklet.spawn(() -> Stackless.sleep(Duration.ofMinutes(1)));
            Tasklet.spawn(() -> Stackless.schedule());
            Stackless.schedule();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (bean.getBlockingActive() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            try {
                SchedulerMetrics m = bean.getSchedulers().stream()
                        .filter(s -> s.getThread().equals(Thread.currentThread().getName())).findFirst().orElseThrow();
                assertThat(m.getBlocked()).isEqualTo(3);
                assertThat(m.getWaiting()).isEqualTo(2);
                assertThat(m.getRunnable()).isEqualTo(2); // main and the one that scheduled
                assertThat(m.getAlive()).isEqualTo(7);
                assertThat(m.getSwitches()).isGreaterThanOrEqualTo(6);
                assertThat(bean.getTaskletsBlocked()).isGreaterThanOrEqualTo(3);
                assertThat(bean.getBlockingActive()).isGreaterThanOrEqualTo(1);
                // The raw attribute is open data, readable by any JMX console.
                CompositeData[] raw = (CompositeData[]) mbs.getAttribute(name, "Schedulers");
                assertThat(raw).anyMatch(c -> c.get("thread").equals(Thread.currentThread().getName())
                        && (Long) c.get("blocked") == 3L);
                String text = (String) mbs.invoke(name, "dumpText", new Object[0], new String[0]);
                assertThat(text).contains("Scheduler \"" + Thread.currentThread().getName() + "\"", "SLEEPING", "BLOCKING");
                String json = (String) mbs.invoke(name, "dumpJson", new Object[0], new String[0]);
                assertThat(json).contains("\"state\":\"BLOCKED_RECEIVING\"");
            } finally {
                release.countDown();
                // The blocked tasklets are reachable only through ch, and ch (held weakly by the
                // dump's channel list) only through this frame: without the fence a GC between two
                // reads may collect the channel and its blocked tasklets, and the counts drop to 0.
                java.lang.ref.Reference.reachabilityFence(ch);
            }
        });
    }

    @Test
    void stealsAreCounted() throws Exception {
        Bridge.startObservers(true);
        TaskletsMXBean bean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                Bridge.mbeanName(), TaskletsMXBean.class);
        AtomicBoolean stop = new AtomicBoolean();
        try (Schedulers pool = Schedulers.start(2)) {
            String c0 = pool.threads().get(0).getName();
            String c1 = pool.threads().get(1).getName();
            // One parent keeps its children on its carrier; the idle carrier steals some of them.
            pool.spawn(() -> {
                for (int i = 0; i < 8; i++) {
                    Tasklet.spawn(() -> {
                        while (!stop.get()) {
                            Stackless.schedule();
                        }
                    });
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long steals = 0;
            while (steals == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                steals = bean.getSchedulers().stream().filter(s -> s.getThread().equals(c0) || s.getThread().equals(c1))
                        .mapToLong(SchedulerMetrics::getSteals).sum();
            }
            stop.set(true);
            assertThat(steals).isPositive();
            assertThat(pool.join(Duration.ofSeconds(30))).isTrue();
        }
    }
}
