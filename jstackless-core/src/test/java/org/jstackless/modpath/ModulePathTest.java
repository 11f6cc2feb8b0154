package org.jstackless.modpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.internal.switching.Switching;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the fallback warning names the flag that works where the library runs. On the module
 * path only {@code --add-exports java.base/jdk.internal.vm=org.jstackless.core} helps ({@code
 * ALL-UNNAMED} does nothing there); on the class path only {@code ALL-UNNAMED} does.
 */
class ModulePathTest {
    /** The child JVM's program: runs a hard tasklet without the export, so the fallback warns. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            Stackless.enableSoftSwitch(false);
            Stackless.runAsMain(() -> {
                Tasklet.spawn(() -> System.out.println("tasklet ran"));
                Stackless.run();
            });
        }
    }

    @Test
    void onTheClassPathTheFlagNamesAllUnnamed() {
        assertThat(Switching.exportFlag()).isEqualTo("--add-exports java.base/jdk.internal.vm=ALL-UNNAMED");
    }

    @Test
    void onTheModulePathTheWarningNamesTheModule() throws Exception {
        Path core = Path.of(Switching.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path tests = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", core.toString(), "--add-modules", "org.jstackless.core",
                "-cp", tests.toString(), Main.class.getName())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM ended").isTrue();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).as("output: %s", lines).contains("tasklet ran");
        assertThat(String.join("\n", lines))
                .contains("--add-exports java.base/jdk.internal.vm=org.jstackless.core")
                .doesNotContain("ALL-UNNAMED");
        assertThat(p.exitValue()).isZero();
    }
}
