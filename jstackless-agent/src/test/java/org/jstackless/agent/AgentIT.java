package org.jstackless.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
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

    /** A child JVM running {@code main} with the agent, or with {@code wovenDir} (build-time woven classes) first on the class path. */
    private static List<String> runMain(String main, Path wovenDir, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        String cp = System.getProperty("java.class.path");
        if (wovenDir == null) {
            cmd.add("-javaagent:" + Path.of(System.getProperty("jstackless.agent.jar")));
        } else {
            cp = wovenDir + File.pathSeparator + cp;
        }
        cmd.addAll(List.of("-cp", cp, main));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    /** AgentPickleMain woven the way the Maven plugin weaves (Weaver.weaveDirectory with a class path), in a fresh directory. */
    private static Path buildWoven(Path dir) throws Exception {
        Path classes = Path.of(AgentPickleMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path rel = Path.of("org/jstackless/agent/AgentPickleMain.class");
        Files.createDirectories(dir.resolve(rel).getParent());
        Files.copy(classes.resolve(rel), dir.resolve(rel));
        List<Path> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.add(Path.of(e));
        }
        new org.jstackless.weaver.Weaver(org.jstackless.weaver.WeaverOptions.defaults().classPath(cp)).weaveDirectory(dir);
        assertThat(Files.readAllBytes(dir.resolve(rel))).isNotEqualTo(Files.readAllBytes(classes.resolve(rel)));
        return dir;
    }

    @Test
    void aPickleMovesBetweenBuildWovenAndAgentWovenCode(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path woven = buildWoven(tmp.resolve("woven"));
        Path a = tmp.resolve("a.pickle");
        Path b = tmp.resolve("b.pickle");
        String main = AgentPickleMain.class.getName();
        // Build-woven saves, agent-woven loads.
        assertThat(runMain(main, woven, "--save", a.toString())).contains("saved soft=true depth=2");
        assertThat(runMain(main, null, "--load", a.toString())).contains("loaded depth=2", "result=45");
        // Agent-woven saves, build-woven loads.
        assertThat(runMain(main, null, "--save", b.toString())).contains("saved soft=true depth=2");
        assertThat(runMain(main, woven, "--load", b.toString())).contains("loaded depth=2", "result=45");
    }

    @Test
    void issue11ProgramsGiveTheHardResultsUnderTheAgent() throws Exception {
        List<String> out = runMain(AgentSafetyMain.class.getName(), null);
        assertThat(out).contains("all soft=true", "programs=4 budgets=11 same=44 differ=0", "refused at the call: true");
        assertThat(out).noneMatch(l -> l.startsWith("DIFF"));
    }

    @Test
    void theByteSearchFindsTheMarker() throws Exception {
        byte[] demo = Files.readAllBytes(Path.of(AgentDemoMain.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).resolve("org/jstackless/agent/AgentDemoMain.class"));
        assertThat(WeavingTransformer.mentionsSuspendable(demo)).isTrue();
        byte[] plain;
        try (var in = Object.class.getResourceAsStream("/java/lang/String.class")) {
            plain = in.readAllBytes();
        }
        assertThat(WeavingTransformer.mentionsSuspendable(plain)).isFalse();
    }
}
