package dev.inlierq.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings' ranges, and which settings belong to the manifest (all but the thread count). */
class SynthConfigTest {
    private static String refused(SynthConfig.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void outOfRangeSettingsAreRefusedNamingThem() {
        assertTrue(refused(SynthConfig.builder().imageSize(63)).contains("image size"));
        assertTrue(refused(SynthConfig.builder().trainImages(-1)).contains("training"));
        assertTrue(refused(SynthConfig.builder().valImages(1_000_000)).contains("validation"));
        assertTrue(refused(SynthConfig.builder().trainImages(0).valImages(0)).contains("both 0"));
        assertTrue(refused(SynthConfig.builder().classes(List.of())).contains("no labelled class"));
        assertTrue(refused(SynthConfig.builder().classes(List.of(SynthClass.STAR, SynthClass.STAR))).contains("twice"));
        assertTrue(refused(SynthConfig.builder().noiseLevel(Double.NaN)).contains("noise"));
        assertTrue(refused(SynthConfig.builder().objects(5, 4)).contains("objects"));
        assertTrue(refused(SynthConfig.builder().minVisible(0)).contains("visible"));
        assertTrue(refused(SynthConfig.builder().threads(0)).contains("threads"));
        assertTrue(refused(SynthConfig.builder().objectLengths(3, 100)).contains("object lengths"));
        assertTrue(refused(SynthConfig.builder().objectLengths(50, 40)).contains("object lengths"));
        assertTrue(refused(SynthConfig.builder().objectLengths(12, 321)).contains("object lengths"));
    }

    @Test
    void theThreadCountIsNotASetting() {
        SynthConfig a = SynthConfig.builder().threads(1).build();
        SynthConfig b = a.toBuilder().threads(7).build();
        assertEquals(a.settings(), b.settings());
        assertEquals(List.of(SynthClass.values()), a.classes());
        assertTrue(!a.settings().equals(a.toBuilder().seed(1).build().settings()));
        assertTrue(!a.settings().equals(a.toBuilder().objectLengths(24, 160).build().settings()));
        assertEquals(List.of(12.0, 120.0), a.settings().get("object_lengths"));
    }
}
