package org.jstackless.internal.soft;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The stamp the weaver puts on every class it transformed. The weaver skips stamped classes (so
 * weaving twice is a no-op) and the soft runtime reads it (once per class, cached) to decide
 * whether a tasklet body can run soft, and, when it refuses a switch, which frame could not unwind.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Woven {
    /** Separates a {@link #methods} entry's name and descriptor from its call-site lines. */
    String LINES_MARK = ":";

    /** Version of the weaving contract the class was woven for. */
    int value() default 1;

    /**
     * The woven methods of the class, one entry each: name and descriptor, {@code ':'}, then the
     * source line of each of its suspendable call sites, comma-separated (0 when unknown). Read
     * only to name the frame that makes a soft switch impossible.
     */
    String[] methods() default {};
}
