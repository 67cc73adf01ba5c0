package dev.inlierq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.synth.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's image cache ({@link DemoData}): a generation stopped half-way leaves nothing (no folder at the final
 * name, no temporary folder), a complete set is reused, the settings decide the folder, an incomplete synth folder
 * at the final name is replaced, anything else there is refused; the LiDAR maps the same way under {@code lidar-}.
 */
class DemoDataTest {
    @TempDir
    Path cache;

    private static DemoSource tiny(long seed) {
        return DemoSource.of(DemoBenchmark.SHAPES, 3, 2, seed, 2);
    }

    @Test
    void aGenerationStoppedHalfWayLeavesNothingAndTheNextRunStartsAfresh() throws Exception {
        DemoSource config = tiny(0);
        IllegalStateException stop = assertThrows(IllegalStateException.class, () -> DemoData.prepare(config, cache,
                (split, done, total) -> {
                    if (split == Split.VAL && done == 2) {
                        throw new IllegalStateException("stopped");
                    }
                }));
        assertEquals("stopped", stop.getMessage());
        assertEquals(List.of(), entries(cache), "no half set and no temporary folder");

        DemoData.Prepared fresh = DemoData.prepare(config, cache, DemoSource.Progress.NONE);
        assertFalse(fresh.reused());
        assertEquals(DemoData.folder(cache, config), fresh.folder());
        assertTrue(config.holds(fresh.folder()));
        assertEquals(3, entries(fresh.valImages()).size());
        assertEquals(2, entries(fresh.calibImages()).size());
        assertTrue(Files.isRegularFile(fresh.valAnnotations()));
        assertTrue(DemoData.prepare(config, cache, DemoSource.Progress.NONE).reused(), "found complete: reused");
        assertEquals(List.of(fresh.folder().getFileName().toString()), entries(cache));

        DemoData.Prepared other = DemoData.prepare(tiny(1), cache, DemoSource.Progress.NONE);
        assertFalse(other.reused(), "another seed is another set");
        assertEquals(2, entries(cache).size());
    }

    @Test
    void anIncompleteSetIsReplacedAndAForeignFolderRefused() throws Exception {
        DemoSource config = tiny(0);
        Path folder = DemoData.prepare(config, cache, DemoSource.Progress.NONE).folder();
        Files.delete(folder.resolve("val/000002.jpg"));
        assertFalse(config.holds(folder), "a missing file: not complete");
        DemoData.Prepared again = DemoData.prepare(config, cache, DemoSource.Progress.NONE);
        assertFalse(again.reused());
        assertTrue(config.holds(folder), "replaced by a complete set");
        assertEquals(List.of(folder.getFileName().toString()), entries(cache), "the stale set is gone");

        Path foreign = DemoData.folder(cache, tiny(5));
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("mine.txt"), "keep");
        UserError e = assertThrows(UserError.class, () -> DemoData.prepare(tiny(5), cache,
                DemoSource.Progress.NONE));
        assertEquals(ExitCode.OUTPUT_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("refusing to replace"), e.getMessage());
        assertEquals("keep", Files.readString(foreign.resolve("mine.txt")));
        assertEquals(List.of("mine.txt"), entries(foreign));
        assertEquals(2, entries(cache).size(), "the temporary folder is deleted");
    }

    @Test
    void theLidarMapsFollowTheSameRulesUnderTheirOwnName() throws Exception {
        DemoSource lidar = DemoSource.of(DemoBenchmark.LIDAR, 3, 2, 0, 2);
        DemoData.Prepared fresh = DemoData.prepare(lidar, cache, DemoSource.Progress.NONE);
        assertFalse(fresh.reused());
        Path folder = fresh.folder();
        assertTrue(folder.getFileName().toString().matches("lidar-[0-9a-f]{12}"), folder.toString());
        assertEquals(List.of("000001.png", "000002.png", "000003.png"), entries(fresh.valImages()));
        assertEquals(2, entries(fresh.calibImages()).size());
        assertTrue(Files.isRegularFile(fresh.valAnnotations()));
        assertTrue(DemoData.prepare(lidar, cache, DemoSource.Progress.NONE).reused(), "found complete: reused");

        Files.delete(folder.resolve("val/000002.png"));
        assertFalse(DemoData.prepare(lidar, cache, DemoSource.Progress.NONE).reused());
        assertTrue(lidar.holds(folder), "replaced by a complete set");
        assertEquals(List.of(folder.getFileName().toString()), entries(cache), "the stale set is gone");

        DemoSource other = DemoSource.of(DemoBenchmark.LIDAR, 3, 2, 1, 2);
        Path shapes = DemoData.prepare(tiny(1), cache, DemoSource.Progress.NONE).folder();
        Files.move(shapes, DemoData.folder(cache, other));
        UserError e = assertThrows(UserError.class, () -> DemoData.prepare(other, cache,
                DemoSource.Progress.NONE));
        assertEquals(ExitCode.OUTPUT_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("not a lidar generation") && e.getMessage().contains("lidar.json"),
                e.getMessage());
        assertTrue(tiny(1).holds(DemoData.folder(cache, other)), "the shapes set there is left as it is");
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
