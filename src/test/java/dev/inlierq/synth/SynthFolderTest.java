package dev.inlierq.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which output folders are written into: new or empty ones; an earlier generation with the same settings (left
 * alone when complete, redone when interrupted); never a foreign folder or one with other settings. No temporary
 * file is left.
 */
class SynthFolderTest {
    @TempDir
    Path tmp;

    private static SynthConfig config(long seed) {
        return SynthConfig.builder().seed(seed).imageSize(96).trainImages(2).valImages(2).build();
    }

    private static List<String> names(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aCompleteGenerationWithTheSameSettingsIsLeftAlone() throws Exception {
        Path out = tmp.resolve("out");
        SynthResult first = SynthDataset.generate(config(1), out);
        assertFalse(first.reused());
        Path json = out.resolve("instances_val.json");
        FileTime written = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(json, written);
        SynthResult again = SynthDataset.generate(config(1).toBuilder().threads(1).build(), out);
        assertTrue(again.reused(), "same settings, other thread count");
        assertEquals(written, Files.getLastModifiedTime(json), "nothing rewritten");
        assertEquals(first.splits(), again.splits(), "the summary comes back from the manifest");
    }

    @Test
    void anInterruptedGenerationIsRedoneToTheSameBytes() throws Exception {
        Path out = tmp.resolve("out");
        SynthDataset.generate(config(1), out);
        byte[] image = Files.readAllBytes(out.resolve("train/000002.jpg"));
        byte[] json = Files.readAllBytes(out.resolve("instances_train.json"));
        Files.delete(out.resolve("train/000002.jpg"));
        Files.delete(out.resolve("instances_train.json"));
        SynthResult redone = SynthDataset.generate(config(1), out);
        assertFalse(redone.reused());
        assertArrayEquals(image, Files.readAllBytes(out.resolve("train/000002.jpg")));
        assertArrayEquals(json, Files.readAllBytes(out.resolve("instances_train.json")));
        assertEquals(List.of("instances_train.json", "instances_val.json", "synth.json", "train/000001.jpg",
                "train/000002.jpg", "val/000001.jpg", "val/000002.jpg"), names(out), "no temporary file left");
    }

    @Test
    void otherSettingsAreRefusedNamingTheSetting() throws Exception {
        Path out = tmp.resolve("out");
        SynthDataset.generate(config(1), out);
        List<String> before = names(out);
        UserError e = assertThrows(UserError.class, () -> SynthDataset.generate(config(2), out));
        assertEquals(ExitCode.OUTPUT_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("seed 1 there, 2 asked"), e.getMessage());
        assertEquals(before, names(out));
    }

    @Test
    void aForeignFolderIsRefusedAndUntouched() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(out.resolve("holiday.jpg"), "mine");
        UserError e = assertThrows(UserError.class, () -> SynthDataset.generate(config(1), out));
        assertEquals(ExitCode.OUTPUT_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals(List.of("holiday.jpg"), names(out));
        Files.writeString(out.resolve("synth.json"), "{\"generator\": \"someone else\"}");
        assertThrows(UserError.class, () -> SynthDataset.generate(config(1), out));
    }

    @Test
    void anEmptyFolderIsUsedAndAFileIsRefused() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertFalse(SynthDataset.generate(config(1), empty).reused());
        assertTrue(Files.isRegularFile(empty.resolve("val/000002.jpg")));
        Path file = Files.writeString(tmp.resolve("file"), "x");
        UserError e = assertThrows(UserError.class, () -> SynthDataset.generate(config(1), file));
        assertEquals(ExitCode.OUTPUT_CONFLICT, e.exitCode());
    }

    @Test
    void aSplitWithoutImagesGetsNoFiles() throws Exception {
        Path out = tmp.resolve("out");
        SynthResult r = SynthDataset.generate(config(1).toBuilder().trainImages(0).build(), out);
        assertEquals(1, r.splits().size());
        assertEquals(List.of("instances_val.json", "synth.json", "val/000001.jpg", "val/000002.jpg"), names(out));
    }
}
