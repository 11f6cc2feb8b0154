package org.jstackless.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.jstackless.internal.Errors;
import org.junit.jupiter.api.Test;

/**
 * The runtime keeps Stackless's error messages in one place ({@link Errors}); the spec tests assert
 * the texts the spec prescribes ({@link Spec}). This pins the two together, so a message changed in
 * the runtime fails here, naming the constant, before any scenario test does.
 */
class ErrorsTest {
    @Test
    void runtimeMessagesAreTheSpecsTexts() {
        assertThat(Errors.DEADLOCK).isEqualTo(Spec.DEADLOCK);
        assertThat(Errors.MAIN_RECEIVING).isEqualTo(Spec.MAIN_RECEIVING);
        assertThat(Errors.MAIN_SENDING).isEqualTo(Spec.MAIN_SENDING);
        assertThat(Errors.CLOSED).isEqualTo(Spec.CLOSED);
        assertThat(Errors.BLOCK_TRAP).isEqualTo(Spec.BLOCK_TRAP);
        assertThat(Errors.SWITCH_TRAP).isEqualTo(Spec.SWITCH_TRAP);
        assertThat(Errors.RUN_BLOCKED).isEqualTo(Spec.RUN_BLOCKED);
        assertThat(Errors.RUN_DEAD).isEqualTo(Spec.RUN_DEAD);
        assertThat(Errors.REMOVE_BLOCKED).isEqualTo(Spec.REMOVE_BLOCKED);
        assertThat(Errors.REMOVE_CURRENT).isEqualTo(Spec.REMOVE_CURRENT);
        assertThat(Errors.THROW_DEAD).isEqualTo(Spec.THROW_DEAD);
        assertThat(Errors.SETUP_ALIVE).isEqualTo(Spec.SETUP_ALIVE);
        assertThat(Errors.SETUP_UNBOUND).isEqualTo(Spec.SETUP_UNBOUND);
        assertThat(Errors.BIND_CURRENT).isEqualTo(Spec.BIND_CURRENT);
        assertThat(Errors.BIND_SCHEDULED).isEqualTo(Spec.BIND_SCHEDULED);
    }

    @Test
    void sharedRefusalsNameTheWaitOnce() {
        assertThat(Errors.RUN_WAITING).endsWith(Errors.WAITS_OUTSIDE);
        assertThat(Errors.REMOVE_WAITING).contains(Errors.WAITS_OUTSIDE);
        assertThat(Errors.BIND_WAITING).endsWith(Errors.WAITS_OUTSIDE);
        assertThat(Errors.SWITCH_TRAP).isEqualTo(Spec.SWITCH_TRAP); // SwitchTrapException's message
    }
}
