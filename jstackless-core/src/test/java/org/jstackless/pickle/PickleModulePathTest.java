package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's named module (compiled here) that does not open its package: pickling its lambda,
 * record and plain object fails with the exact {@code opens} line to add, and works once the
 * Pickler is given the module's lookup ({@code Pickler.builder().access(MethodHandles.lookup())}).
 * The module and a copy of org.jstackless.core run in a module layer of their own.
 */
class PickleModulePathTest {
    static final String MAIN = """
            package app;

            import java.lang.invoke.MethodHandles;
            import org.jstackless.*;

            public class Main {
                static String seen;

                record Point(int x, int y) {
                }

                static final class Box {
                    private final Point p;
                    Box(Point p) {
                        this.p = p;
                    }
                }

                public static String run(boolean access) throws Exception {
                    String[] r = new String[1];
                    Stackless.runAsMain(() -> {
                        Pickler.Builder b = Pickler.builder().allow(Point.class, Box.class)
                                .signingKey("a module-path test key".getBytes());
                        if (access) {
                            b.access(MethodHandles.lookup());
                        }
                        Pickler p = b.build();
                        Box box = new Box(new Point(1, 2));
                        Tasklet t = new Tasklet(() -> seen = box.p.toString());
                        try {
                            byte[] bytes = p.dumps(t);
                            Tasklet u = p.loads(bytes);
                            u.setup();
                            Stackless.run();
                            r[0] = "loaded, ran: " + seen;
                        } catch (NotPicklableException e) {
                            r[0] = e.getMessage();
                        }
                    });
                    return r[0];
                }
            }
            """;

    static String runInLayer(Path core, Path app, boolean access) throws Exception {
        ModuleFinder finder = ModuleFinder.of(app, core);
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of("app"));
        ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
        Class<?> main = layer.findLoader("app").loadClass("app.Main");
        return (String) main.getMethod("run", boolean.class).invoke(null, access);
    }

    @Test
    void aClosedPackageIsNamedWithTheOpensLineAndAccessFixesIt(@TempDir Path dir) throws Exception {
        Path core = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("target/classes");
        assertThat(core.resolve("module-info.class")).exists();
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("app"));
        Files.writeString(src.resolve("module-info.java"), "module app { requires org.jstackless.core; exports app; }\n");
        Files.writeString(src.resolve("app/Main.java"), MAIN);
        Path out = dir.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        int rc = ToolProvider.findFirst("javac").orElseThrow().run(ps, ps, "-d", out.toString(), "--module-path",
                core.toString(), src.resolve("module-info.java").toString(), src.resolve("app/Main.java").toString());
        assertThat(rc).as(log.toString(StandardCharsets.UTF_8)).isZero();

        String refused = runInLayer(core, out, false);
        assertThat(refused).contains("package app of module app is not open to org.jstackless.core",
                "add the line `opens app to org.jstackless.core;` to the module-info.java of app",
                "Pickler.builder().access(MethodHandles.lookup())");
        assertThat(runInLayer(core, out, true)).isEqualTo("loaded, ran: Point[x=1, y=2]");
    }
}
