package dev.inlierq.lidar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which output folders are written into (new, empty, or this generation), which are refused (a foreign folder,
 * other settings, a file), and that an interrupted generation is redone to the same bytes with no temporary file
 * left and ordinary file modes.
 */
class LidarFolderTest {
    /** 2 training and 1 validation scene of 64 x 64 cells. */
    private static LidarConfig config(long seed) {
        return LidarConfig.builder().seed(seed).cells(64).trainScenes(2).valScenes(1).build();
    }

    @TempDir
    Path tmp;

    private static List<String> names(Path root) throws Exception {
        return List.copyOf(LidarDatasetTest.files(root).keySet());
    }

    @Test
    void aCompleteGenerationIsLeftAloneAndAnInterruptedOneRedone() throws Exception {
        Path out = tmp.resolve("out");
        LidarResult first = LidarDataset.generate(config(1), out);
        assertFalse(first.reused());
        assertTrue(LidarDataset.holds(config(1), out));
        FileTime stamp = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(out.resolve("instances_val.json"), stamp);
        LidarResult again = LidarDataset.generate(config(1).toBuilder().threads(1).build(), out);
        assertTrue(again.reused());
        assertEquals(stamp, Files.getLastModifiedTime(out.resolve("instances_val.json")));
        assertEquals(first.splits(), again.splits(), "the summary comes back from the manifest");
        byte[] image = Files.readAllBytes(out.resolve("train/000002.png"));
        Files.delete(out.resolve("train/000002.png"));
        assertFalse(LidarDataset.holds(config(1), out));
        assertFalse(LidarDataset.generate(config(1), out).reused());
        assertEquals(List.of(image.length), List.of(Files.readAllBytes(out.resolve("train/000002.png")).length));
        assertEquals(List.of("instances_train.json", "instances_val.json", "lidar.json", "train/000001.png",
                "train/000002.png", "val/000001.png"), names(out), "no temporary file left");
        Path mine = Files.createFile(out.resolve("mode-probe"));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("val/000001.png"))),
                "the default mode of a new file");
    }

    @Test
    void otherSettingsAForeignFolderAndAFileAreRefused() throws Exception {
        Path out = tmp.resolve("out");
        LidarDataset.generate(config(1), out);
        List<String> before = names(out);
        UserError e = assertThrows(UserError.class, () -> LidarDataset.generate(config(2), out));
        assertEquals(ExitCode.OUTPUT_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("seed 1 there, 2 asked"), e.getMessage());
        UserError cells = assertThrows(UserError.class,
                () -> LidarDataset.generate(config(1).toBuilder().cells(96).build(), out));
        assertTrue(cells.getMessage().contains("cells 64 there, 96 asked"), cells.getMessage());
        assertEquals(before, names(out));
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(photos.resolve("holiday.jpg"), "mine");
        UserError foreign = assertThrows(UserError.class, () -> LidarDataset.generate(config(1), photos));
        assertEquals(ExitCode.OUTPUT_CONFLICT, foreign.exitCode());
        assertTrue(foreign.getMessage().contains("not empty"), foreign.getMessage());
        assertEquals(List.of("holiday.jpg"), names(photos));
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertEquals(ExitCode.OUTPUT_CONFLICT,
                assertThrows(UserError.class, () -> LidarDataset.generate(config(1), file)).exitCode());
    }

    @Test
    void aSplitWithoutScenesGetsNoFiles() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("empty"));
        LidarResult r = LidarDataset.generate(config(1).toBuilder().trainScenes(0).build(), out);
        assertEquals(1, r.splits().size());
        assertEquals(List.of("instances_val.json", "lidar.json", "val/000001.png"), names(out));
    }
}
