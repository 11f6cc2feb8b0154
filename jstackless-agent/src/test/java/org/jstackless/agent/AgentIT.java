package org.jstackless.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent in a child JVM started with no other flag: it weaves the program's suspendable
 * methods at load (the tasklet runs soft) and opens jdk.internal.vm (hard switching uses JDK
 * continuations, not the virtual-thread fallback). Without it, the same program runs hard on the
 * fallback and says so.
 */
class AgentIT {
    private static List<String> run(boolean withAgent) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        if (withAgent) {
            Path jar = Path.of(System.getProperty("jstackless.agent.jar"));
            assertThat(jar).exists();
            cmd.add("-javaagent:" + jar);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentDemoMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    @Test
    void theAgentWeavesAtLoadAndOpensContinuations() throws Exception {
        List<String> out = run(true);
        assertThat(out).contains("soft=true depth=5", "result=106", "continuations=true");
    }

    @Test
    void withoutTheAgentTheProgramRunsHardOnTheFallback() throws Exception {
        List<String> out = run(false);
        assertThat(out).contains("soft=false depth=1", "result=106", "continuations=false");
        assertThat(out).anyMatch(l -> l.contains("jdk.internal.vm is not exported"));
    }

    @Test
    void theByteSearchFindsTheMarker() throws Exception {
        byte[] demo = Files.readAllBytes(Path.of(AgentDemoMain.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).resolve("org/jstackless/agent/AgentDemoMain.class"));
        assertThat(WeavingTransformer.mentionsSuspendable(demo)).isTrue();
        byte[] plain = Files.readAllBytes(Path.of(AgentIT.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).resolve("org/jstackless/agent/AgentIT.class"));
        assertThat(WeavingTransformer.mentionsSuspendable(plain)).isFalse();
    }
}
