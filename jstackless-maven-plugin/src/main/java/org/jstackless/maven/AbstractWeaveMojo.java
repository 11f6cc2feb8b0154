package org.jstackless.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.jstackless.weaver.WeaveException;
import org.jstackless.weaver.WeaveReport;
import org.jstackless.weaver.Weaver;
import org.jstackless.weaver.WeaverOptions;

/**
 * Weaves one output directory in place. The class path the compiler used resolves the types the
 * weaver's verifier needs; a check that fails (a suspendable call from a method that does not
 * declare {@code Suspendable}, ...) fails the build with the weaver's message, which names the
 * class, the method and the source line.
 */
abstract class AbstractWeaveMojo extends AbstractMojo {
    /** Skips weaving (e.g. {@code -Djstackless.weave.skip}). */
    @Parameter(property = "jstackless.weave.skip", defaultValue = "false")
    private boolean skip;

    /** The directory to weave. */
    abstract Path directory();

    /** The class path of that directory's code, itself included or not. */
    abstract List<String> classPathElements() throws MojoExecutionException;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("jstackless: weaving skipped");
            return;
        }
        Path dir = directory();
        if (!Files.isDirectory(dir)) {
            getLog().debug("jstackless: nothing to weave, " + dir + " does not exist");
            return;
        }
        List<Path> cp = new ArrayList<>();
        for (String e : classPathElements()) {
            Path p = Path.of(e);
            if (!p.equals(dir)) {
                cp.add(p);
            }
        }
        try {
            WeaveReport r = new Weaver(WeaverOptions.defaults().classPath(cp)).weaveDirectory(dir);
            for (String m : r.messages()) {
                getLog().info("jstackless: " + m);
            }
            for (String w : r.warnings()) {
                getLog().warn("jstackless: " + w);
            }
            getLog().info("jstackless: " + dir.getFileName() + ": " + r);
        } catch (WeaveException e) {
            throw new MojoFailureException("jstackless weaving failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("jstackless weaving could not read or write " + dir + ": " + e, e);
        }
    }
}
