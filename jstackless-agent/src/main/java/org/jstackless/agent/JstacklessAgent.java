package org.jstackless.agent;

import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code -javaagent:jstackless-agent.jar}: makes any program's tasklets soft and hard-switchable with
 * no build step and no JVM flag.
 *
 * <ol>
 * <li>Opens {@code java.base/jdk.internal.vm} (exports it) to the module that holds jstackless-core,
 *     named or not, so hard switching uses JDK continuations rather than the slower virtual-thread
 *     fallback — the job of {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}.
 * <li>Installs {@link WeavingTransformer}, which weaves suspendable methods as classes load.
 * </ol>
 */
public final class JstacklessAgent {
    private JstacklessAgent() {
    }

    /** Entry point of {@code -javaagent}. */
    public static void premain(String args, Instrumentation inst) {
        openContinuations(inst);
        inst.addTransformer(new WeavingTransformer(args), false);
    }

    /** Entry point when attached to a running JVM: only classes loaded from now on are woven. */
    public static void agentmain(String args, Instrumentation inst) {
        premain(args, inst);
    }

    static void openContinuations(Instrumentation inst) {
        Module base = Object.class.getModule();
        Set<Module> targets = new HashSet<>();
        targets.add(ClassLoader.getSystemClassLoader().getUnnamedModule());
        targets.add(JstacklessAgent.class.getClassLoader().getUnnamedModule());
        Optional<Module> named = ModuleLayer.boot().findModule("org.jstackless.core");
        named.ifPresent(targets::add);
        Map<String, Set<Module>> exports = new HashMap<>();
        exports.put("jdk.internal.vm", targets);
        inst.redefineModule(base, Set.of(), exports, Map.of(), Set.of(), Map.of());
    }
}
