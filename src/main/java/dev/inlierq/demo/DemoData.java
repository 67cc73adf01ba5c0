package dev.inlierq.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.report.OutputFile;
import dev.inlierq.synth.Split;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The demo's images in the cache folder: the synthetic validation split and, as calibration images, the first
 * images of the synthetic train split, one generation of the benchmark's generator ({@link DemoSource}: the shapes
 * benchmark or the LiDAR maps) with the demo's seed and counts (every other setting at its default) in
 * {@code CACHE/PREFIX-<12 hex digits of the settings' hash>} ({@code synth-...}, {@code lidar-...}).
 *
 * <p>A folder is reused only when its manifest ({@code synth.json}, {@code lidar.json}) records exactly these
 * settings as complete and every file is present ({@link DemoSource#holds}); the folder's name is not trusted. A
 * new set is generated into a hidden sibling folder ({@link OutputFile#scratchFolder}, deleted on failure and on
 * Ctrl-C) and renamed to its final name only when complete, so an interrupted run never leaves a half set under
 * the final name. A folder at the final
 * name that is not a complete set (files deleted by hand) is replaced when it holds a generation of the same
 * generator, and refused ({@link ExitCode#OUTPUT_CONFLICT}) otherwise: nothing else in the cache is ever deleted.
 */
final class DemoData {
    private DemoData() {
    }

    /** The generation's folder, whether it was already there, and the generation's wall time (0 when reused). */
    record Prepared(Path folder, boolean reused, double seconds) {
        Path valImages() {
            return folder.resolve(Split.VAL.folderName());
        }

        Path valAnnotations() {
            return folder.resolve(Split.VAL.annotationFileName());
        }

        Path calibImages() {
            return folder.resolve(Split.TRAIN.folderName());
        }
    }

    /** The final folder of a generation in {@code cache}, named by a hash of its settings. */
    static Path folder(Path cache, DemoSource source) {
        String key = BundledModel.sha256(source.settings().toString().getBytes(StandardCharsets.UTF_8));
        return cache.resolve(source.prefix() + "-" + key.substring(0, 12));
    }

    /** Reuses the generation in {@code cache} or generates it (atomically), reporting images written. */
    static Prepared prepare(DemoSource source, Path cache, DemoSource.Progress progress) {
        Path target = folder(cache, source);
        if (source.holds(target)) {
            return new Prepared(target, true, 0);
        }
        Path temp;
        try {
            temp = OutputFile.scratchFolder(cache, target.getFileName() + ".");
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot write the demo's images into the cache folder "
                    + cache + ": " + OutputFile.reason(e) + " (give another folder with --cache)", e);
        }
        try {
            double seconds = source.generate(temp, progress);
            install(temp, target, source);
            return new Prepared(target, false, seconds);
        } finally {
            OutputFile.deleteScratchFolder(temp);
        }
    }

    /**
     * Renames the complete generation {@code temp} to {@code target}. When another run installed the same set
     * meanwhile, that one is kept; a stale folder of the same generator at {@code target} is moved aside and
     * deleted first.
     */
    private static void install(Path temp, Path target, DemoSource source) {
        if (Files.exists(target) && !source.holds(target)) {
            removeStale(target, source);
        }
        try {
            move(temp, target);
            OutputFile.forgetScratchFolder(temp);
        } catch (FileSystemException e) {
            if (!source.holds(target)) {
                throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot move the demo's images into " + target + ": "
                        + OutputFile.reason(e), e);
            }
            // another demo run installed the same set first: keep it (ours is deleted by the caller)
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot move the demo's images into " + target + ": "
                    + OutputFile.reason(e), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /**
     * Moves an incomplete folder of {@code source}'s generator out of the way and deletes it; refuses a folder that
     * holds anything else.
     */
    private static void removeStale(Path target, DemoSource source) {
        if (!isGeneratedBy(target, source)) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to replace " + target + ": it is not a "
                    + source.prefix() + " generation of the demo (no valid " + source.manifest() + "); move it away "
                    + "or give another --cache");
        }
        try {
            Path aside = OutputFile.scratchFolder(target.getParent(), "stale-");
            Files.delete(aside);
            move(target, aside);
            OutputFile.deleteScratchFolder(aside);
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot replace the incomplete image set " + target + ": "
                    + OutputFile.reason(e), e);
        }
    }

    /** Whether {@code folder}'s manifest names {@code source}'s generator (whatever its settings). */
    private static boolean isGeneratedBy(Path folder, DemoSource source) {
        Path manifest = folder.resolve(source.manifest());
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        try {
            JsonNode node = new ObjectMapper().readTree(manifest.toFile());
            return node != null && source.generator().equals(node.path("generator").asText());
        } catch (IOException e) {
            return false;
        }
    }
}
