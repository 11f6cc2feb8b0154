package org.jstackless.internal.observe;

import com.sun.tools.attach.VirtualMachine;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.jstackless.observe.TaskletsMXBean;

/**
 * {@code ./jstackless dump PID [--json]}: prints the tasklet dump of another JVM. Attaches to it
 * as {@code jcmd} does (the Attach API: same user, attach not disabled), starts its local JMX
 * agent, and invokes the {@link TaskletsMXBean} operation. Exit status 1 with a message on stderr
 * when the JVM cannot be attached or runs no jstackless (no MBean registered).
 */
public final class DumpClient {
    private DumpClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--json"))
                || !args[0].matches("[0-9]+")) {
            System.err.println("usage: jstackless dump PID [--json]");
            System.exit(2);
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(args[0]);
        } catch (Exception e) {
            System.err.println("jstackless dump: cannot attach to JVM " + args[0] + " (" + e.getMessage()
                    + "): it must run as the same user, with a JDK, without -XX:+DisableAttachMechanism");
            System.exit(1);
            return;
        }
        try {
            String address = vm.startLocalManagementAgent();
            try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection mbs = c.getMBeanServerConnection();
                ObjectName name = new ObjectName(TaskletsMXBean.OBJECT_NAME);
                // The MBean is registered in the background when the first scheduler starts.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!mbs.isRegistered(name) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                if (!mbs.isRegistered(name)) {
                    System.err.println("jstackless dump: JVM " + args[0] + " has no " + TaskletsMXBean.OBJECT_NAME
                            + " MBean: it has run no tasklet yet, or was started with -Djstackless.observe=false");
                    System.exit(1);
                }
                String op = args.length == 2 ? "dumpJson" : "dumpText";
                Object r = mbs.invoke(name, op, new Object[0], new String[0]);
                System.out.println(r);
            }
        } finally {
            vm.detach();
        }
    }
}
