package org.jstackless.internal.observe;

import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.InstanceAlreadyExistsException;
import javax.management.ObjectName;
import org.jstackless.observe.SchedulerMetrics;
import org.jstackless.observe.TaskletDump;
import org.jstackless.observe.TaskletsMXBean;

/** The MXBean behind {@link TaskletsMXBean}: sums the per-scheduler counts the probe reads. */
final class TaskletsBean implements TaskletsMXBean {

    /** The name this copy's bean is registered under, or null before {@link #register}. */
    static volatile ObjectName registered;

    static void register() throws Exception {
        ObjectName name = new ObjectName(OBJECT_NAME);
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new TaskletsBean(), name);
        } catch (InstanceAlreadyExistsException e) {
            // Another copy of jstackless-core in this JVM (another class loader or module layer) took the
            // plain name first; this copy's tasklets are then under a name that says which copy it is.
            name = new ObjectName(OBJECT_NAME + ",copy="
                    + Integer.toHexString(System.identityHashCode(TaskletsBean.class.getClassLoader())));
            ManagementFactory.getPlatformMBeanServer().registerMBean(new TaskletsBean(), name);
        }
        registered = name;
    }

    private static List<SchedulerMetrics> all() {
        return Bridge.source().metrics();
    }

    @Override
    public int getSchedulerCount() {
        return all().size();
    }

    @Override
    public long getTaskletsAlive() {
        return all().stream().mapToLong(SchedulerMetrics::getAlive).sum();
    }

    @Override
    public long getTaskletsRunnable() {
        return all().stream().mapToLong(SchedulerMetrics::getRunnable).sum();
    }

    @Override
    public long getTaskletsBlocked() {
        return all().stream().mapToLong(SchedulerMetrics::getBlocked).sum();
    }

    @Override
    public long getTaskletsWaiting() {
        return all().stream().mapToLong(SchedulerMetrics::getWaiting).sum();
    }

    @Override
    public long getSwitches() {
        return all().stream().mapToLong(SchedulerMetrics::getSwitches).sum();
    }

    @Override
    public long getSteals() {
        return all().stream().mapToLong(SchedulerMetrics::getSteals).sum();
    }

    @Override
    public int getBlockingQueued() {
        return Bridge.source().blockingQueued();
    }

    @Override
    public int getBlockingActive() {
        return Bridge.source().blockingActive();
    }

    @Override
    public List<SchedulerMetrics> getSchedulers() {
        return all();
    }

    @Override
    public String dumpText() {
        return TaskletDump.capture().toText();
    }

    @Override
    public String dumpJson() {
        return TaskletDump.capture().toJson();
    }
}
