package org.jstackless.testing;

import java.util.List;
import java.util.stream.Stream;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Provides one invocation of a {@link SwitchingTest} per available switching mechanism, forcing it
 * with {@link Switching#force} before the test and resetting it afterwards.
 */
public final class EachMechanism implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        org.jstackless.internal.soft.runtime.SoftRuntime.install(); // the concepts plug it in on first use; this may run before any did
        List<Mechanism> mechanisms = Switching.available();
        return mechanisms.stream().map(EachMechanism::invocation);
    }

    private static TestTemplateInvocationContext invocation(Mechanism m) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return "[" + m + "]";
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(
                        (BeforeEachCallback) ctx -> Switching.force(m),
                        (AfterEachCallback) ctx -> Switching.force(null));
            }
        };
    }
}
