package org.jstackless.observe;

import java.util.List;

/**
 * The JMX view of the JVM's tasklets, registered as {@value #OBJECT_NAME} in the platform MBean
 * server when the first scheduler starts (unless {@code -Djstackless.observe=false}). Attributes
 * are metrics summed over every scheduler; operations return a {@link TaskletDump}.
 */
public interface TaskletsMXBean {
    /** The MBean's object name. */
    String OBJECT_NAME = "org.jstackless:type=Tasklets";

    /** Live schedulers (threads running tasklets, pool carriers included). */
    int getSchedulerCount();

    /** Live tasklets the schedulers know (see {@link SchedulerMetrics#getAlive()}). */
    long getTaskletsAlive();

    /** Tasklets in run queues, running ones included. */
    long getTaskletsRunnable();

    /** Tasklets blocked on channels. */
    long getTaskletsBlocked();

    /** Tasklets waiting for a blocking call, a timer or a future. */
    long getTaskletsWaiting();

    /** Switches made by all live schedulers. */
    long getSwitches();

    /** Tasklets moved between pool carriers (stolen, adopted or handed over), summed over the live schedulers. */
    long getSteals();

    /** {@code Stackless.blocking} calls waiting for a permit of the blocking pool. */
    int getBlockingQueued();

    /** {@code Stackless.blocking} calls running now. */
    int getBlockingActive();

    /** Per-scheduler counts. */
    List<SchedulerMetrics> getSchedulers();

    /** {@link TaskletDump#capture()} as text. */
    String dumpText();

    /** {@link TaskletDump#capture()} as JSON. */
    String dumpJson();
}
