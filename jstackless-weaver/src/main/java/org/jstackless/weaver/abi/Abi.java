package org.jstackless.weaver.abi;

import java.util.List;

/**
 * The weaver's side of the contract with the soft runtime (jstackless-core,
 * {@code org.jstackless.internal.soft}): every name, descriptor, separator and encoding woven code
 * and the runtime must agree on, in one place. The weaver does not depend on the core (it weaves
 * the core), so the core keeps its own copy in the types woven code touches; the core's
 * {@code AbiContractTest} fails when the two differ (each name and descriptor below is looked up in
 * the core by reflection, and the hash, the separators and the layout grammar are run on both).
 *
 * <p>Changing anything here changes what woven code means: bump {@link #FRAME_FORMAT} when frames
 * are saved or restored differently (it is part of every pickle fingerprint).
 */
public final class Abi {
    private Abi() {
    }

    /** Version of the frame format woven code uses (what a frame's slots mean); in every fingerprint. */
    public static final int FRAME_FORMAT = 2;
    /** Prefix of the text a fingerprint hashes, before {@link #FRAME_FORMAT}. */
    public static final String FINGERPRINT_PREFIX = "jstackless-weaver-frames/";

    // ------------------------------------------------------------------ types (internal names)

    /** The marker of suspendable methods ({@code throws Suspendable}). */
    public static final String SUSPENDABLE = "org/jstackless/Suspendable";
    /** The package of the ABI types; calls into it are never suspension points. */
    public static final String SOFT_PACKAGE = "org/jstackless/internal/soft/";
    /** The per-thread state woven code talks to. */
    public static final String CTX = "org/jstackless/internal/soft/SoftContext";
    /** One saved activation. */
    public static final String FRAME = "org/jstackless/internal/soft/Frame";
    /** A woven method's static facts (a dynamic constant). */
    public static final String INFO = "org/jstackless/internal/soft/MethodInfo";
    /** The tick points' slow path. */
    public static final String PREEMPTION = "org/jstackless/internal/soft/Preemption";
    /** The class stamp (descriptor). */
    public static final String WOVEN = "Lorg/jstackless/internal/soft/Woven;";
    /** The method annotation with a pickle's facts (descriptor). */
    public static final String WOVEN_METHOD = "Lorg/jstackless/internal/soft/WovenMethod;";
    /** A true boundary, never woven (descriptor). */
    public static final String BOUNDARY = "Lorg/jstackless/internal/soft/Boundary;";

    // ------------------------------------------------------------------ members woven code uses

    /** {@code static SoftContext current()}. */
    public static final String CTX_CURRENT = "current";
    public static final String CTX_CURRENT_DESC = "()L" + CTX + ";";
    /** {@code int enter(int hash)}: the woven entry. */
    public static final String CTX_ENTER = "enter";
    public static final String CTX_ENTER_DESC = "(I)I";
    /** {@code Frame restoring()}: the frame the trampoline re-enters, or null. */
    public static final String CTX_RESTORING = "restoring";
    public static final String CTX_RESTORING_DESC = "()L" + FRAME + ";";
    /** {@code Frame push(MethodInfo, Object self, int site, int nRefs, int nPrims)}. */
    public static final String CTX_PUSH = "push";
    public static final String CTX_PUSH_DESC = "(L" + INFO + ";Ljava/lang/Object;III)L" + FRAME + ";";
    /** {@code Object resumeValue()}: the result a re-entered call site gets. */
    public static final String CTX_RESUME_VALUE = "resumeValue";
    public static final String CTX_RESUME_VALUE_DESC = "()Ljava/lang/Object;";
    /** {@code static void alias(int key)}: a method reference's accepted pair of hashes. */
    public static final String CTX_ALIAS = "alias";
    public static final String CTX_ALIAS_DESC = "(I)V";
    /** Field {@code int expect}: the chain token. */
    public static final String CTX_EXPECT = "expect";
    public static final String CTX_EXPECT_DESC = "I";
    /** Field {@code boolean unwinding}. */
    public static final String CTX_UNWINDING = "unwinding";
    public static final String CTX_UNWINDING_DESC = "Z";
    /** Field {@code boolean timed}: a timed run is active. */
    public static final String CTX_TIMED = "timed";
    public static final String CTX_TIMED_DESC = "Z";
    /** Field {@code long ticks}: the tick budget. */
    public static final String CTX_TICKS = "ticks";
    public static final String CTX_TICKS_DESC = "J";
    /** Field {@code Object[] refs} of a frame. */
    public static final String FRAME_REFS = "refs";
    public static final String FRAME_REFS_DESC = "[Ljava/lang/Object;";
    /** Field {@code long[] prims} of a frame. */
    public static final String FRAME_PRIMS = "prims";
    public static final String FRAME_PRIMS_DESC = "[J";
    /** Field {@code int site} of a frame. */
    public static final String FRAME_SITE = "site";
    public static final String FRAME_SITE_DESC = "I";
    /** {@code void release()} of a frame. */
    public static final String FRAME_RELEASE = "release";
    public static final String FRAME_RELEASE_DESC = "()V";
    /** {@code static void expired(int chain)}: a tick point's slow path. */
    public static final String PREEMPTION_EXPIRED = "expired";
    public static final String PREEMPTION_EXPIRED_DESC = "(I)V";
    /** The bootstrap of a woven method's {@code MethodInfo} constant. */
    public static final String INFO_BOOTSTRAP = "bootstrap";
    public static final String INFO_BOOTSTRAP_DESC = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/Class;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;Ljava/lang/String;J"
            + "Ljava/lang/String;)L" + INFO + ";";

    // ------------------------------------------------------------------ names and encodings

    /** Name of the re-entry dispatcher added to a woven class. */
    public static final String DISPATCHER = "jsl$reenter";
    public static final String DISPATCHER_DESC = "(ILjava/lang/Object;)Ljava/lang/Object;";
    /** Name of a woven method's {@code MethodInfo} constant, before {@link #REENTRY_MARK}. */
    public static final String INFO_CONSTANT = "jslInfo";
    /** Separates {@link #INFO_CONSTANT} from the method's case in the class's dispatcher. */
    public static final String REENTRY_MARK = "#";
    /** {@code @Woven.methods}: each entry is name + descriptor, this separator, then the call-site lines. */
    public static final String WOVEN_METHODS = "methods";
    public static final String WOVEN_LINES_MARK = ":";
    /** {@code @WovenMethod}'s elements. */
    public static final String WOVEN_METHOD_FINGERPRINT = "fingerprint";
    public static final String WOVEN_METHOD_LAYOUTS = "layouts";
    /** Separates sites in a layouts string, and line numbers in a lines string. */
    public static final char SITE_SEPARATOR = ',';
    /** Ends a site's slot descriptors in a layouts string; a call site's return descriptor follows. */
    public static final char SLOTS_END = ')';

    /** The hash of a method a woven entry and a woven call site compare: always odd. */
    public static int hash(String name, String desc) {
        return (name + desc).hashCode() | 1;
    }

    /**
     * One site's slot layout in the layouts grammar: the descriptor of each saved value in save
     * order, {@link #SLOTS_END}, then for a call site ({@code result} not null) the call's return
     * descriptor. The core's {@code MethodInfo.parseLayouts} reads it.
     */
    public static String siteLayout(List<String> slots, String result) {
        StringBuilder sb = new StringBuilder();
        slots.forEach(sb::append);
        sb.append(SLOTS_END);
        if (result != null) {
            sb.append(result);
        }
        return sb.toString();
    }

    /** A method's layouts string: its sites' layouts ({@link #siteLayout}) joined by {@link #SITE_SEPARATOR}. */
    public static String layouts(List<String> siteLayouts) {
        return String.join(String.valueOf(SITE_SEPARATOR), siteLayouts);
    }
}
