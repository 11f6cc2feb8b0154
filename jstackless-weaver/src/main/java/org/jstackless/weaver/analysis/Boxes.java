package org.jstackless.weaver.analysis;

import java.util.Map;
import org.objectweb.asm.Type;

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

    /** The internal name of the box class of primitive type {@code p} (any sort from BOOLEAN to DOUBLE). */
    public static String boxOf(Type p) {
        return switch (p.getSort()) {
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.CHAR -> "java/lang/Character";
            case Type.BYTE -> "java/lang/Byte";
            case Type.SHORT -> "java/lang/Short";
            case Type.INT -> "java/lang/Integer";
            case Type.LONG -> "java/lang/Long";
            case Type.FLOAT -> "java/lang/Float";
            case Type.DOUBLE -> "java/lang/Double";
            default -> throw new IllegalArgumentException("not a primitive type: " + p);
        };
    }

    /** The descriptor of the primitive that box class {@code internalName} holds, or null if it is no box. */
    public static String primitiveOf(String internalName) {
        return PRIMITIVE.get(internalName);
    }
}
