package org.jstackless.weaver.analysis;

import java.util.Map;

/**
 * The box classes and the primitive each holds: what a LambdaMetafactory adapter boxes into or
 * unboxes from. Shared by the method-reference analysis ({@link Lambdas}) and the unwinding code
 * of the transform, which must agree on what counts as a box.
 */
public final class Boxes {
    private static final Map<String, String> PRIMITIVE = Map.of(
            "java/lang/Integer", "I", "java/lang/Long", "J", "java/lang/Short", "S", "java/lang/Byte", "B",
            "java/lang/Character", "C", "java/lang/Boolean", "Z", "java/lang/Float", "F", "java/lang/Double", "D");

    private Boxes() {
    }

    /** The descriptor of the primitive that box class {@code internalName} holds, or null if it is no box. */
    public static String primitiveOf(String internalName) {
        return PRIMITIVE.get(internalName);
    }
}
