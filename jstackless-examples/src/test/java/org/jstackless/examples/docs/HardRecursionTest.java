package org.jstackless.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jstackless.Stackless;
import org.jstackless.internal.switching.Mechanism;
import org.jstackless.internal.switching.Switching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HardRecursionTest {
    static final List<String> EXPECTED = List.of(
            "enter level 1", "enter level 2", "enter level 3", "enter level 4", "enter level 5",
            "main received: hi from level 5",
            "t soft false, restorable false, scheduled true",
            "leave level 5", "leave level 4", "leave level 3", "leave level 2", "leave level 1",
            "t alive false");

    @AfterEach
    void restoreMechanism() {
        Switching.force(null);
    }

    @Test
    void demoPrintsTheDocumentedLines() throws Exception {
        assertThat(DocPages.runMain(HardRecursion::main)).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void sameOutputOnTheVirtualThreadFallback() throws Exception {
        Switching.force(Mechanism.VIRTUAL_THREAD);
        List<String> out = new ArrayList<>();
        Stackless.runAsMain(() -> HardRecursion.demo(out::add));
        assertThat(out).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void softSwitchSettingIsRestored() throws Exception {
        boolean before = Stackless.enableSoftSwitch(true);
        Stackless.enableSoftSwitch(before);
        Stackless.runAsMain(() -> HardRecursion.demo(s -> { }));
        assertThat(Stackless.enableSoftSwitch(before)).isEqualTo(before);
    }

    @Test
    void pageQuotesTheExampleAndItsOutput() throws Exception {
        DocPages.assertPageQuotes("switching.md", HardRecursion.class);
        assertThat(DocPages.page("switching.md")).contains(String.join("\n", EXPECTED));
    }
}
