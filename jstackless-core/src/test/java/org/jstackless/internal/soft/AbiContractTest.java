package org.jstackless.internal.soft;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jstackless.Channel;
import org.jstackless.Suspendable;
import org.jstackless.weaver.abi.Abi;
import org.junit.jupiter.api.Test;

/**
 * The weaver-runtime contract is written twice, once on each side ({@code org.jstackless.weaver.abi.Abi}
 * in the weaver, which cannot depend on the core it weaves; the types of this package in the core):
 * this test fails as soon as the two differ. Every type, member and descriptor woven code uses is
 * looked up here by reflection; the names, separators, the hash and the layout grammar are run on
 * both sides.
 */
class AbiContractTest {
    private static String internal(Class<?> c) {
        return c.getName().replace('.', '/');
    }

    @Test
    void theTypesWovenCodeNamesAreTheCoresTypes() {
        assertThat(Abi.SUSPENDABLE).isEqualTo(internal(Suspendable.class));
        assertThat(Abi.CTX).isEqualTo(internal(SoftContext.class));
        assertThat(Abi.FRAME).isEqualTo(internal(Frame.class));
        assertThat(Abi.INFO).isEqualTo(internal(MethodInfo.class));
        assertThat(Abi.PREEMPTION).isEqualTo(internal(Preemption.class));
        assertThat(Abi.WOVEN).isEqualTo(Woven.class.descriptorString());
        assertThat(Abi.WOVEN_METHOD).isEqualTo(WovenMethod.class.descriptorString());
        assertThat(Abi.BOUNDARY).isEqualTo(Boundary.class.descriptorString());
        assertThat(Abi.SOFT_PACKAGE).isEqualTo(SoftContext.class.getPackageName().replace('.', '/') + "/");
        // Woven code in any module reaches these: the package must stay exported.
        assertThat(SoftContext.class.getModule().isNamed()
                ? SoftContext.class.getModule().isExported(SoftContext.class.getPackageName()) : true).isTrue();
    }

    @Test
    void everyMemberWovenCodeUsesExistsWithItsDescriptor() throws Exception {
        method(SoftContext.class, Abi.CTX_CURRENT, Abi.CTX_CURRENT_DESC, true);
        method(SoftContext.class, Abi.CTX_ENTER, Abi.CTX_ENTER_DESC, false);
        method(SoftContext.class, Abi.CTX_RESTORING, Abi.CTX_RESTORING_DESC, false);
        method(SoftContext.class, Abi.CTX_PUSH, Abi.CTX_PUSH_DESC, false);
        method(SoftContext.class, Abi.CTX_RESUME_VALUE, Abi.CTX_RESUME_VALUE_DESC, false);
        method(SoftContext.class, Abi.CTX_ALIAS, Abi.CTX_ALIAS_DESC, true);
        field(SoftContext.class, Abi.CTX_EXPECT, Abi.CTX_EXPECT_DESC);
        field(SoftContext.class, Abi.CTX_UNWINDING, Abi.CTX_UNWINDING_DESC);
        field(SoftContext.class, Abi.CTX_TIMED, Abi.CTX_TIMED_DESC);
        field(SoftContext.class, Abi.CTX_TICKS, Abi.CTX_TICKS_DESC);
        field(Frame.class, Abi.FRAME_REFS, Abi.FRAME_REFS_DESC);
        field(Frame.class, Abi.FRAME_PRIMS, Abi.FRAME_PRIMS_DESC);
        field(Frame.class, Abi.FRAME_SITE, Abi.FRAME_SITE_DESC);
        method(Frame.class, Abi.FRAME_RELEASE, Abi.FRAME_RELEASE_DESC, false);
        method(Preemption.class, Abi.PREEMPTION_EXPIRED, Abi.PREEMPTION_EXPIRED_DESC, true);
        method(MethodInfo.class, Abi.INFO_BOOTSTRAP, Abi.INFO_BOOTSTRAP_DESC, true);
        // The annotations' elements the weaver writes.
        assertThat(Woven.class.getMethod(Abi.WOVEN_METHODS).getReturnType()).isEqualTo(String[].class);
        assertThat(WovenMethod.class.getMethod(Abi.WOVEN_METHOD_FINGERPRINT).getReturnType()).isEqualTo(long.class);
        assertThat(WovenMethod.class.getMethod(Abi.WOVEN_METHOD_LAYOUTS).getReturnType()).isEqualTo(String.class);
    }

    private static void method(Class<?> owner, String name, String desc, boolean isStatic) {
        List<String> found = new ArrayList<>();
        for (Method m : owner.getMethods()) {
            if (m.getName().equals(name)) {
                String d = MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
                found.add(d + (Modifier.isStatic(m.getModifiers()) ? " static" : ""));
            }
        }
        assertThat(found).as("public %s.%s as woven code calls it", owner.getSimpleName(), name)
                .contains(desc + (isStatic ? " static" : ""));
    }

    private static void field(Class<?> owner, String name, String desc) throws NoSuchFieldException {
        Field f = owner.getField(name);
        assertThat(f.getType().descriptorString()).as("%s.%s", owner.getSimpleName(), name).isEqualTo(desc);
        assertThat(Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())).isFalse();
    }

    @Test
    void namesAndSeparatorsAgree() throws Exception {
        assertThat(Abi.DISPATCHER).isEqualTo(Reentry.DISPATCHER);
        assertThat(Abi.DISPATCHER_DESC).isEqualTo(Reentry.DISPATCHER_DESC);
        assertThat(Abi.INFO_CONSTANT).isEqualTo(MethodInfo.CONSTANT_NAME);
        assertThat(Abi.REENTRY_MARK).isEqualTo(String.valueOf(MethodInfo.REENTRY_MARK));
        assertThat(Abi.WOVEN_LINES_MARK).isEqualTo(Woven.LINES_MARK);
        assertThat(Abi.SITE_SEPARATOR).isEqualTo(MethodInfo.SITE_SEPARATOR);
        assertThat(Abi.SLOTS_END).isEqualTo(MethodInfo.SLOTS_END);
        // What the build's weaver actually put into a woven class of the core, read with the core's names.
        Method d = Channel.class.getDeclaredMethod(Reentry.DISPATCHER, int.class, Object.class);
        assertThat(MethodType.methodType(d.getReturnType(), d.getParameterTypes()).toMethodDescriptorString())
                .isEqualTo(Reentry.DISPATCHER_DESC);
        Woven w = Channel.class.getAnnotation(Woven.class);
        assertThat(w.methods()).isNotEmpty().allSatisfy(e -> assertThat(e).contains(Woven.LINES_MARK));
    }

    @Test
    void theHashIsTheSameOnBothSides() {
        Random r = new Random(12);
        List<String[]> samples = new ArrayList<>(List.of(new String[] {"run", "()V"},
                new String[] {"receive", "()Ljava/lang/Object;"}, new String[] {"", ""},
                new String[] {"λ$x", "(IJ[Ljava/lang/String;)D"}));
        for (int i = 0; i < 500; i++) {
            samples.add(new String[] {randomText(r), randomText(r)});
        }
        for (String[] s : samples) {
            assertThat(SoftContext.hash(s[0], s[1])).as("hash(%s, %s)", s[0], s[1]).isEqualTo(Abi.hash(s[0], s[1]))
                    .isOdd();
        }
    }

    @Test
    void layoutsTheWeaverWritesAreReadBackByTheCore() {
        Random r = new Random(34);
        String[] kinds = {"I", "F", "J", "D", "Ljava/lang/Object;", "[I", "[[Ljava/lang/String;", "Lp/Q$R;"};
        String[] results = {null, "V", "I", "Z", "J", "Ljava/lang/Object;", "[B"};
        for (int n = 0; n < 300; n++) {
            int sites = r.nextInt(5);
            List<List<String>> slots = new ArrayList<>();
            List<String> res = new ArrayList<>();
            List<String> written = new ArrayList<>();
            for (int s = 0; s < sites; s++) {
                List<String> sl = new ArrayList<>();
                for (int k = r.nextInt(6); k > 0; k--) {
                    sl.add(kinds[r.nextInt(kinds.length)]);
                }
                String result = results[r.nextInt(results.length)];
                slots.add(sl);
                res.add(result);
                written.add(Abi.siteLayout(sl, result));
            }
            String layouts = Abi.layouts(written);
            MethodInfo.SiteLayout[] read = MethodInfo.parseLayouts(layouts);
            assertThat(read).as(layouts).hasSize(sites);
            for (int s = 0; s < sites; s++) {
                assertThat(read[s].slots()).as(layouts).isEqualTo(slots.get(s));
                assertThat(read[s].result()).as(layouts).isEqualTo(res.get(s));
            }
        }
    }

    private static String randomText(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(20); i > 0; i--) {
            sb.append((char) (32 + r.nextInt(0x2000)));
        }
        return sb.toString();
    }
}
