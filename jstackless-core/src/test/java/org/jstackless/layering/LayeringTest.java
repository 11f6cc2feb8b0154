package org.jstackless.layering;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of DESIGN.md §2 as the compiled classes of jstackless-core show them (every class
 * named in a class file's constant pool, descriptors and annotations included). Fails on a cycle
 * between packages, on an internal class that uses the concepts' package {@code org.jstackless},
 * on the switching layer reaching the soft runtime, and on the exported weaver ABI reaching
 * anything of the module. The few allowed references are listed in {@link #ALLOWED}, each with why.
 */
class LayeringTest {
    private static final String ROOT = "org/jstackless/";
    private static final String API = "org/jstackless";
    private static final String SWITCHING = "org/jstackless/internal/switching";
    private static final String SOFT_ABI = "org/jstackless/internal/soft";
    private static final String SOFT_RUNTIME = "org/jstackless/internal/soft/runtime";

    /**
     * References that are part of a contract rather than a layering mistake (from class, to class):
     * they are left out of every rule, cycles included.
     */
    private static final Map<String, String> ALLOWED = Map.of(
            "*->org/jstackless/Suspendable",
            "the marker every suspendable method declares (DESIGN §4): internal woven code declares it too",
            "org/jstackless/internal/soft/runtime/SoftStrand->org/jstackless/TaskletBody",
            "a soft strand enters its woven body through TaskletBody.run(): every saved frame chain starts there",
            "org/jstackless/internal/soft/runtime/SoftRuntime->org/jstackless/TaskletBody",
            "the soft mechanism makes soft strands of TaskletBody bodies (the woven entry point above)");

    /**
     * Package cycles that remain, each with why; the test fails when one disappears (so the list
     * only shrinks) or another appears.
     */
    private static final Map<String, String> KNOWN_CYCLES = Map.of(
            "org.jstackless <-> org.jstackless.sync",
            "the sync primitives are built on tasklets; the pickler initialises org.jstackless.sync.Semaphore "
                    + "so that their codecs are contributed before it reads a pickle that may hold a Lock",
            "org.jstackless.internal.jfr <-> org.jstackless.internal.observe <-> org.jstackless.observe",
            "observability: the public dump types delegate to internal.observe (Bridge, DumpFormat), which "
                    + "builds those types; internal.observe and internal.jfr call each other's hooks");

    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L(org/jstackless/[A-Za-z0-9_/$]+)[;<]");

    /** Class to the classes of the module it references. */
    private static final Map<String, Set<String>> REFS = new TreeMap<>();

    @BeforeAll
    static void readClasses() throws IOException, URISyntaxException {
        Path root = Path.of(Tasklet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(root.resolve("org/jstackless/Tasklet.class")).as("compiled classes of jstackless-core").exists();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class")).forEach(p -> {
                try {
                    read(ClassFile.of().parse(Files.readAllBytes(p)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        assertThat(REFS).hasSizeGreaterThan(100);
        // The reader sees plain, descriptor-only and annotation references (so the rules can fail).
        assertThat(REFS.get("org/jstackless/Pickler")).contains("org/jstackless/internal/pickle/Codecs");
        assertThat(REFS.get("org/jstackless/internal/soft/FrameStore")).contains("org/jstackless/internal/soft/MethodInfo");
        assertThat(REFS.get("org/jstackless/internal/switching/Strands")).contains("org/jstackless/internal/soft/Boundary");
    }

    private static void read(ClassModel cm) {
        String me = cm.thisClass().asInternalName();
        Set<String> out = REFS.computeIfAbsent(me, k -> new TreeSet<>());
        for (PoolEntry e : cm.constantPool()) {
            if (e instanceof ClassEntry c) {
                String n = c.asInternalName();
                while (n.startsWith("[")) {
                    n = n.substring(1);
                }
                if (n.startsWith("L") && n.endsWith(";")) {
                    n = n.substring(1, n.length() - 1);
                }
                add(me, out, n);
            } else if (e instanceof Utf8Entry u) {
                Matcher m = DESCRIPTOR_CLASS.matcher(u.stringValue());
                while (m.find()) {
                    add(me, out, m.group(1));
                }
            }
        }
    }

    private static void add(String me, Set<String> out, String target) {
        if (!target.startsWith(ROOT) || target.equals(me) || allowed(me, target)) {
            return;
        }
        out.add(outer(target));
    }

    private static boolean allowed(String from, String to) {
        String t = outer(to);
        return ALLOWED.containsKey("*->" + t) || ALLOWED.containsKey(outer(from) + "->" + t);
    }

    private static String outer(String cls) {
        int d = cls.indexOf('$', cls.lastIndexOf('/'));
        return d < 0 ? cls : cls.substring(0, d);
    }

    private static String pkg(String cls) {
        return cls.substring(0, cls.lastIndexOf('/'));
    }

    /** Every reference from a class of a package matching {@code from} to a class of a package matching {@code to}. */
    private static List<String> refs(java.util.function.Predicate<String> from, java.util.function.Predicate<String> to) {
        List<String> r = new ArrayList<>();
        REFS.forEach((c, targets) -> {
            if (from.test(pkg(c))) {
                targets.stream().filter(t -> to.test(pkg(t)) && !pkg(t).equals(pkg(c)))
                        .forEach(t -> r.add(c + " -> " + t));
            }
        });
        return r;
    }

    @Test
    void noInternalClassUsesTheConceptsPackage() {
        assertThat(refs(p -> p.startsWith(ROOT + "internal"), p -> p.equals(API)))
                .as("internal classes must not use org.jstackless (pass what they need through an internal "
                        + "interface, or add a documented entry to ALLOWED)").isEmpty();
    }

    @Test
    void internalClassesUseNoOtherApiPackageExceptObservationImplementingItsOwn() {
        assertThat(refs(p -> p.startsWith(ROOT + "internal"),
                p -> p.equals(API + "/sync") || p.equals(API + "/net") || p.equals(API + "/observe")))
                .as("internal classes must not use org.jstackless.sync/net; only internal.observe and internal.jfr "
                        + "use org.jstackless.observe (they implement its dump, metrics and MXBean)")
                .allSatisfy(r -> assertThat(r).matches("org/jstackless/internal/(observe|jfr)/\\S+ -> "
                        + "org/jstackless/observe/\\S+"));
    }

    @Test
    void theSwitchingLayerKnowsNoSoftRuntime() {
        assertThat(refs(p -> p.equals(SWITCHING), p -> p.startsWith(SOFT_RUNTIME)))
                .as("internal.switching must not use the soft runtime: it is plugged in from above").isEmpty();
        assertThat(refs(p -> p.equals(SWITCHING), p -> p.startsWith(SOFT_ABI)))
                .as("internal.switching may name only the weaver's Boundary annotation of the soft ABI")
                .allSatisfy(r -> assertThat(r).endsWith(" -> " + SOFT_ABI + "/Boundary"));
    }

    @Test
    void theExportedWeaverAbiDependsOnNothingOfTheModule() {
        assertThat(refs(p -> p.equals(SOFT_ABI), p -> true))
                .as("org.jstackless.internal.soft (exported, what woven code calls) reaches the runtime only "
                        + "through SoftContext.Hooks").isEmpty();
    }

    @Test
    void noPackageCycles() {
        Map<String, Set<String>> graph = new TreeMap<>();
        REFS.forEach((c, targets) -> {
            Set<String> to = graph.computeIfAbsent(pkg(c), k -> new TreeSet<>());
            targets.stream().map(LayeringTest::pkg).filter(p -> !p.equals(pkg(c))).forEach(to::add);
        });
        Set<String> cycles = new TreeSet<>();
        for (List<String> scc : stronglyConnected(graph)) {
            if (scc.size() > 1) {
                cycles.add(String.join(" <-> ", new TreeSet<>(scc)).replace('/', '.'));
            }
        }
        assertThat(cycles).as("package cycles (the classes behind each edge: see refs)")
                .isEqualTo(KNOWN_CYCLES.keySet());
    }

    /** Tarjan's strongly connected components. */
    private static List<List<String>> stronglyConnected(Map<String, Set<String>> g) {
        Map<String, Integer> index = new TreeMap<>();
        Map<String, Integer> low = new TreeMap<>();
        java.util.Deque<String> stack = new java.util.ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : g.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, g, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> g, Map<String, Integer> index,
            Map<String, Integer> low, java.util.Deque<String> stack, Set<String> onStack, List<List<String>> out,
            int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, g, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> scc = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                scc.add(w);
            } while (!w.equals(v));
            out.add(scc);
        }
    }
}
