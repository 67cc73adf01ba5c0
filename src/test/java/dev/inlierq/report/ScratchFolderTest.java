package dev.inlierq.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OutputFile#scratchFolder}: a hidden folder that {@link OutputFile#deletePending} (Ctrl-C) deletes with its
 * content, that {@link OutputFile#deleteScratchFolder} deletes (and no late writer recreates), and that survives
 * once forgotten (renamed into place).
 */
class ScratchFolderTest {
    @TempDir
    Path tmp;

    @Test
    void pendingScratchFoldersAreDeletedWithTheirContentUnlessForgotten() throws Exception {
        Path a = OutputFile.scratchFolder(tmp.resolve("cache"), "synth-abc.");
        assertTrue(a.getFileName().toString().matches("\\.synth-abc\\.[0-9a-f]+\\.tmp"), a.toString());
        Files.createDirectories(a.resolve("val"));
        Files.writeString(a.resolve("val/1.jpg"), "x");
        Path b = OutputFile.scratchFolder(tmp.resolve("cache"), "synth-abc.");
        Path placed = Files.move(b, tmp.resolve("cache/synth-abc"));
        OutputFile.forgetScratchFolder(b);
        Files.writeString(placed.resolve("synth.json"), "{}");
        Path c = OutputFile.scratchFolder(tmp.resolve("cache"), "other.");
        Files.writeString(c.resolve("f"), "y");
        OutputFile.deleteScratchFolder(c);
        assertFalse(Files.exists(c));
        UserError late = assertThrows(UserError.class, () -> OutputFile.write(c.resolve("val/2.jpg"), new byte[1]),
                "a writer still running may not recreate a deleted scratch folder");
        assertTrue(late.getMessage().contains("scratch folder was deleted"), late.getMessage());
        assertFalse(Files.exists(c));

        OutputFile.deletePending();
        assertFalse(Files.exists(a), "deleted with its content");
        try (Stream<Path> left = Files.list(tmp.resolve("cache"))) {
            assertEquals(List.of(placed), left.toList(), "only the folder renamed into place is left");
        }
        assertTrue(Files.isRegularFile(placed.resolve("synth.json")));
    }
}
