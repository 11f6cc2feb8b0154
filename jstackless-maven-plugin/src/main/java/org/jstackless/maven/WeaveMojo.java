package org.jstackless.maven;

import java.nio.file.Path;
import java.util.List;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Weaves the main classes ({@code target/classes}) right after they are compiled: bound to the
 * {@code compile} phase, after the compiler (the packaging's own binding runs first in a phase), so
 * {@code mvn compile} already leaves woven classes and no unwoven {@code throws Suspendable} class
 * reaches a run started from the IDE or {@code exec:java} after a plain compile.
 */
@Mojo(name = "weave", defaultPhase = LifecyclePhase.COMPILE,
        requiresDependencyResolution = ResolutionScope.COMPILE, threadSafe = true)
public class WeaveMojo extends AbstractWeaveMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    Path directory() {
        return Path.of(project.getBuild().getOutputDirectory());
    }

    @Override
    List<String> classPathElements() throws MojoExecutionException {
        try {
            return project.getCompileClasspathElements();
        } catch (DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("jstackless: compile class path not resolved: " + e.getMessage(), e);
        }
    }
}
