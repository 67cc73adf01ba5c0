package dev.inlierq.detect.image;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The image files of one folder (not recursive): names ending in {@code .jpg}, {@code .jpeg} or
 * {@code .png}, any case, sorted by file name so that runs are reproducible. Other regular files are
 * returned as {@link Listing#skipped()} so the caller can warn about them; sub-folders are ignored.
 */
public final class ImageFolder {
    private ImageFolder() {
    }

    /** Images in name order, and the other regular files that were skipped (also in name order). */
    public record Listing(List<Path> images, List<Path> skipped) {
        public Listing {
            images = List.copyOf(images);
            skipped = List.copyOf(skipped);
        }
    }

    /** True when the file name has an image extension this tool reads (case-insensitive). */
    public static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png");
    }

    /**
     * Lists {@code dir}.
     *
     * @throws UserError {@link ExitCode#MISSING_INPUT} when {@code dir} is not a readable folder,
     *     {@link ExitCode#BAD_IMAGE} when it holds no image file
     */
    public static Listing list(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(ExitCode.MISSING_INPUT, dir + ": no such image folder");
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(ExitCode.MISSING_INPUT, dir + ": cannot list the folder (" + e.getMessage() + ")", e);
        }
        List<Path> images = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        for (Path f : files) {
            (hasImageExtension(f) ? images : skipped).add(f);
        }
        if (images.isEmpty()) {
            throw new UserError(ExitCode.BAD_IMAGE, dir + ": no .jpg, .jpeg or .png images in the folder");
        }
        return new Listing(images, skipped);
    }
}
