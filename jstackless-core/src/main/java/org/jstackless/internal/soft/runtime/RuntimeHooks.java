package org.jstackless.internal.soft.runtime;

import org.jstackless.internal.soft.SoftContext;

/**
 * The soft runtime's side of {@link SoftContext.Hooks}: the woven-code contract calls down into
 * the runtime only through these, so the exported ABI package depends on nothing here. Installed
 * by the first runtime class that needs it ({@link SoftStrand}, {@link Ticks}).
 */
final class RuntimeHooks implements SoftContext.Hooks {
    private static final RuntimeHooks INSTANCE = new RuntimeHooks();

    private RuntimeHooks() {
    }

    /** Installs the hooks (idempotent). */
    static void install() {
        SoftContext.install(INSTANCE);
    }

    @Override
    public IllegalStateException refuseSwitch() {
        return Refusal.explicitSwitch();
    }

    @Override
    public void tickExpired(int chain) {
        Ticks.expired(chain);
    }
}
