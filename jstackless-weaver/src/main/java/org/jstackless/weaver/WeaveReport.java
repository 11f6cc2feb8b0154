package org.jstackless.weaver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a weaving run did: counts and informational messages (warnings, skipped items). */
public final class WeaveReport {
    private int classesWoven;
    private int methodsWoven;
    private final List<String> messages = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** An empty report. */
    public WeaveReport() {
    }

    /** Number of classes that were transformed (stamped). */
    public int classesWoven() {
        return classesWoven;
    }

    /** Number of methods that were transformed. */
    public int methodsWoven() {
        return methodsWoven;
    }

    /** Informational messages, in order. */
    public List<String> messages() {
        return Collections.unmodifiableList(messages);
    }

    /**
     * Warnings, in order: each names class, method and line of code that could not be woven (so a
     * soft tasklet cannot switch there) and the fix.
     */
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    void warning(String w) {
        warnings.add(w);
    }

    void addClass(int methods) {
        classesWoven++;
        methodsWoven += methods;
    }

    void message(String m) {
        messages.add(m);
    }

    void addAll(WeaveReport other) {
        classesWoven += other.classesWoven;
        methodsWoven += other.methodsWoven;
        messages.addAll(other.messages);
        warnings.addAll(other.warnings);
    }

    @Override
    public String toString() {
        return "woven " + classesWoven + " classes, " + methodsWoven + " methods"
                + (messages.isEmpty() ? "" : ", " + messages.size() + " messages")
                + (warnings.isEmpty() ? "" : ", " + warnings.size() + " warnings");
    }
}
