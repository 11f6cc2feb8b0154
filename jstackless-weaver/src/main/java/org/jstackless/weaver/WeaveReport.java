package org.jstackless.weaver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a weaving run did: counts and informational messages (warnings, skipped items). */
public final class WeaveReport {
    private int classesWoven;
    private int methodsWoven;
    private final List<String> messages = new ArrayList<>();

    WeaveReport() {
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
    }

    @Override
    public String toString() {
        return "woven " + classesWoven + " classes, " + methodsWoven + " methods"
                + (messages.isEmpty() ? "" : ", " + messages.size() + " messages");
    }
}
