package org.jstackless.weaver;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.constant.DirectMethodHandleDesc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weaver routes converting method references to suspendable methods (the adapter boxes,
 * unboxes or widens the result) through a woven synthetic bridge of the class, and leaves the
 * others (no conversion, a reference cast, serializable, a plain interface) pointing at the method.
 */
class ReferenceBridgesTest {
    @TempDir
    Path tmp;

    static final String SRC = """
            package t;
            import org.jstackless.Suspendable;
            public class R {
                interface LongOfInt { long ap(int x) throws Suspendable; }
                interface IntOfInt { int ap(int x) throws Suspendable; }
                interface LongOfBoxed { long ap(Integer x) throws Suspendable; }
                interface ObjOfInt { Object ap(int x) throws Suspendable; }
                interface SLongOfInt extends java.io.Serializable { long ap(int x) throws Suspendable; }
                interface GFn<A, B> { B ap(A a) throws Suspendable; }
                static int pi(int x) throws Suspendable { return x; }
                static Integer bi(int x) throws Suspendable { return x; }
                static long pl(int x) throws Suspendable { return x; }
                static <T> T pick(T v) throws Suspendable { return v; }
                static int plain(int x) { return x; }
                static long use() throws Suspendable {
                    long s = ((LongOfInt) R::pi).ap(1);           // int -> long: bridged
                    s += ((IntOfInt) R::bi).ap(2);                // Integer -> int: bridged
                    s += ((LongOfBoxed) R::pick).ap(3);           // Object -> long: bridged
                    s += ((ObjOfInt) R::pi).ap(4).hashCode();     // int -> Object: bridged
                    s += ((LongOfInt) R::pl).ap(5);               // no conversion: not bridged
                    s += ((GFn<Integer, Integer>) R::pick).ap(6); // a reference cast: not bridged
                    s += ((SLongOfInt) R::pi).ap(7);              // serializable: not bridged
                    s += ((java.util.function.IntUnaryOperator) R::plain).applyAsInt(8); // plain: not bridged
                    return s;
                }
            }
            """;

    @Test
    void convertingReferencesGoThroughWovenBridges() throws Exception {
        Path classes = Javac.compile(tmp, Map.of("t.R", SRC));
        byte[] original = Javac.read(classes).get("t/R");
        new WeaverTest().weaver().weaveDirectory(classes); // the interfaces must be known too
        byte[] woven = Javac.read(classes).get("t/R");
        assertThat(WeaverTest.verify(woven)).isEmpty();
        ClassModel cm = ClassFile.of().parse(woven);
        List<String> bridges = new ArrayList<>();
        for (MethodModel m : cm.methods()) {
            if (m.methodName().stringValue().startsWith("lambda$jsl$")) {
                bridges.add(m.methodName().stringValue() + m.methodType().stringValue());
                assertThat(m.flags().flagsMask() & (ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC | ClassFile.ACC_SYNTHETIC))
                        .isEqualTo(ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC | ClassFile.ACC_SYNTHETIC);
            }
        }
        assertThat(bridges).containsExactly("lambda$jsl$pi$0(I)J", "lambda$jsl$bi$1(I)I",
                "lambda$jsl$pick$2(Ljava/lang/Integer;)J", "lambda$jsl$pi$3(I)Ljava/lang/Object;");
        List<String> targets = new ArrayList<>();
        for (MethodModel m : cm.methods()) {
            if (m.methodName().equalsString("use")) {
                m.code().orElseThrow().forEach(e -> {
                    if (e instanceof InvokeDynamicInstruction indy && indy.bootstrapArgs().size() >= 3
                            && indy.bootstrapArgs().get(1) instanceof DirectMethodHandleDesc h) {
                        targets.add(h.methodName());
                    }
                });
            }
        }
        assertThat(targets).containsExactly("lambda$jsl$pi$0", "lambda$jsl$bi$1", "lambda$jsl$pick$2",
                "lambda$jsl$pi$3", "pl", "pick", "pi", "plain");
        // The bridges are woven (listed in the class's stamp) and the woven class is stable.
        String text = new String(woven, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).contains("lambda$jsl$pick$2(Ljava/lang/Integer;)J");
        Path copy = Javac.compile(tmp.resolve("again"), Map.of("t.R", SRC));
        assertThat(Javac.read(copy).get("t/R")).isEqualTo(original);
        new WeaverTest().weaver().weaveDirectory(copy);
        assertThat(Javac.read(copy).get("t/R")).isEqualTo(woven);
    }
}
