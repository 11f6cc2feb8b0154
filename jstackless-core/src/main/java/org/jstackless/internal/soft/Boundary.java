package org.jstackless.internal.soft;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks one of the library's true boundaries: a method that starts a strand or a main tasklet and
 * calls suspendable code that can never unwind through it (a strand's entry, {@code runAsMain}).
 * The weaver leaves it unwoven and does not count its calls as making it suspendable. Every other
 * method that calls a suspendable method, inside {@code catch (Throwable)} or not, is woven.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Boundary {
}
