package org.jstackless.internal.soft;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What the weaver knows about a woven method's frames, readable by reflection: loading a pickle
 * checks its frames against these before any of the method's code runs (the same values are in
 * the method's {@link MethodInfo}, which exists only once the method has run). Put on every woven
 * method with at least one suspension point.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WovenMethod {
    /**
     * The pickle fingerprint: a hash of the weaver's frame format, the method's original code and
     * {@link #layouts}; the same whether the class was woven at build time or by the agent.
     */
    long fingerprint();

    /** The slot layout of each suspension point (see {@link MethodInfo#layout}). */
    String layouts();
}
