package org.jstackless.internal.soft;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The stamp the weaver puts on every class it transformed. The weaver skips stamped classes (so
 * weaving twice is a no-op) and the soft runtime reads it (once per class, cached) to decide
 * whether a tasklet body can run soft and whether a frame on a suspending stack is instrumented.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Woven {
    /** Version of the weaving contract the class was woven for. */
    int value() default 1;
}
