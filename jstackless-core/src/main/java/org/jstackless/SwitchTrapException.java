package org.jstackless;

/**
 * Stackless's {@code RuntimeError("switch_trap")}: a switch refused because the thread's switch
 * trap is raised ({@link Stackless#switchTrap}). The message stays {@code "switch_trap"}, as the
 * spec prescribes; the type lets the library tell this refusal from others without reading it.
 */
final class SwitchTrapException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SwitchTrapException() {
        super(org.jstackless.internal.Errors.SWITCH_TRAP);
    }
}
