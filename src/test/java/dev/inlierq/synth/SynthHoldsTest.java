package dev.inlierq.synth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SynthDataset#holds}: true only for a complete generation of the same settings, and it writes nothing. */
class SynthHoldsTest {
    @TempDir
    Path tmp;

    @Test
    void holdsOnlyACompleteGenerationOfTheSameSettings() throws Exception {
        SynthConfig config = SynthConfig.builder().trainImages(1).valImages(2).imageSize(64).threads(1).build();
        Path dir = tmp.resolve("s");
        assertFalse(SynthDataset.holds(config, dir), "missing folder");
        assertFalse(Files.exists(dir), "nothing written");
        SynthDataset.generate(config, dir);
        assertTrue(SynthDataset.holds(config, dir));
        assertFalse(SynthDataset.holds(config.toBuilder().seed(1).build(), dir), "other settings");
        assertFalse(SynthDataset.holds(config.toBuilder().valImages(3).build(), dir), "another count");
        assertTrue(SynthDataset.holds(config.toBuilder().threads(2).build(), dir), "threads do not matter");
        Files.delete(dir.resolve("val/000001.jpg"));
        assertFalse(SynthDataset.holds(config, dir), "a file missing");
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertFalse(SynthDataset.holds(config, file), "a file, not a folder");
    }
}
