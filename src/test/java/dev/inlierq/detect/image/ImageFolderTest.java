package dev.inlierq.detect.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path dir;

    private Path touch(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "x");
    }

    @Test
    void listsImagesSortedAndReportsOtherFiles() throws IOException {
        touch("b.PNG");
        touch("a.jpg");
        touch("c.JPEG");
        touch("readme.txt");
        touch(".DS_Store");
        Files.createDirectory(dir.resolve("sub.jpg"));
        ImageFolder.Listing listing = ImageFolder.list(dir);
        assertEquals(List.of(dir.resolve("a.jpg"), dir.resolve("b.PNG"), dir.resolve("c.JPEG")), listing.images());
        assertEquals(List.of(dir.resolve(".DS_Store"), dir.resolve("readme.txt")), listing.skipped());
    }

    @Test
    void missingFolderIsMissingInput() {
        UserError e = assertThrows(UserError.class, () -> ImageFolder.list(dir.resolve("absent")));
        assertEquals(ExitCode.MISSING_INPUT, e.exitCode());
    }

    @Test
    void folderWithoutImagesIsBadImage() throws IOException {
        touch("labels.json");
        UserError e = assertThrows(UserError.class, () -> ImageFolder.list(dir));
        assertEquals(ExitCode.BAD_IMAGE, e.exitCode());
    }
}
