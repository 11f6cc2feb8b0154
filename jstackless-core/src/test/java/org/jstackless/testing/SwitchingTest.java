package org.jstackless.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that runs once per switching mechanism of {@code Switching.available()} (continuation,
 * virtual thread, and soft once it exists), with that mechanism forced while the test runs.
 * The same assertions must hold for every mechanism (spec §7: only nesting level, restorability and
 * pickling may differ between soft and hard switching).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(EachMechanism.class)
public @interface SwitchingTest {
}
