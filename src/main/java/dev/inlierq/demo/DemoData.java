package dev.inlierq.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.report.OutputFile;
import dev.inlierq.synth.Split;
import dev.inlierq.synth.SynthConfig;
import dev.inlierq.synth.SynthDataset;
import dev.inlierq.synth.SynthResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The demo's images in the cache folder: the synthetic validation split and, as calibration images, the first
 * images of the synthetic train split, one {@link SynthDataset} generation with the demo's seed and counts
 * (every other setting at its default) in {@code CACHE/synth-<12 hex digits of the settings' hash>}.
 *
 * <p>A folder is reused only when its {@code synth.json} records exactly these settings as complete and every file
 * is present ({@link SynthDataset#holds}); the folder's name is not trusted. A new set is generated into a hidden
 * sibling folder ({@link OutputFile#scratchFolder}, deleted on failure and on Ctrl-C) and renamed to its final name
 * only when complete, so an interrupted run never leaves a half set under the final name. A folder at the final
 * name that is not a complete set (files deleted by hand) is replaced when it holds a synth generation, and
 * refused ({@link ExitCode#OUTPUT_CONFLICT}) otherwise: nothing else in the cache is ever deleted.
 */
final class DemoData {
    private DemoData() {
    }

    /** The generation's folder, whether it was already there, and the generation's wall time (0 when reused). */
    record Prepared(SynthResult synth, boolean reused, double seconds) {
        Path valImages() {
            return synth.images(Split.VAL);
        }

        Path valAnnotations() {
            return synth.annotations(Split.VAL);
        }

        Path calibImages() {
            return synth.images(Split.TRAIN);
        }
    }

    /** The settings of the demo's generation: validation and calibration counts and the seed. */
    static SynthConfig settings(int valImages, int calibImages, long seed, int threads) {
        return SynthConfig.builder().seed(seed).valImages(valImages).trainImages(calibImages).threads(threads).build();
    }

    /** The final folder of a generation in {@code cache}, named by a hash of its settings. */
    static Path folder(Path cache, SynthConfig config) {
        String key = BundledModel.sha256(config.settings().toString().getBytes(StandardCharsets.UTF_8));
        return cache.resolve("synth-" + key.substring(0, 12));
    }

    /** Reuses the generation in {@code cache} or generates it (atomically), reporting images written. */
    static Prepared prepare(SynthConfig config, Path cache, SynthDataset.Progress progress) {
        Path target = folder(cache, config);
        if (SynthDataset.holds(config, target)) {
            return new Prepared(SynthDataset.generate(config, target), true, 0);
        }
        Path temp;
        try {
            temp = OutputFile.scratchFolder(cache, target.getFileName() + ".");
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot write the demo's images into the cache folder "
                    + cache + ": " + OutputFile.reason(e) + " (give another folder with --cache)", e);
        }
        try {
            SynthResult generated = SynthDataset.generate(config, temp, progress);
            install(temp, target, config);
            return new Prepared(new SynthResult(target, false, generated.splits(), generated.seconds()), false,
                    generated.seconds());
        } finally {
            OutputFile.deleteScratchFolder(temp);
        }
    }

    /**
     * Renames the complete generation {@code temp} to {@code target}. When another run installed the same set
     * meanwhile, that one is kept; a stale synth folder at {@code target} is moved aside and deleted first.
     */
    private static void install(Path temp, Path target, SynthConfig config) {
        if (Files.exists(target) && !SynthDataset.holds(config, target)) {
            removeStale(target);
        }
        try {
            move(temp, target);
            OutputFile.forgetScratchFolder(temp);
        } catch (FileSystemException e) {
            if (!SynthDataset.holds(config, target)) {
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

    /** Moves an incomplete synth folder out of the way and deletes it; refuses a folder that holds anything else. */
    private static void removeStale(Path target) {
        if (!isSynthFolder(target)) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to replace " + target + ": it is not a synth "
                    + "generation of the demo (no valid synth.json); move it away or give another --cache");
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

    private static boolean isSynthFolder(Path folder) {
        Path manifest = folder.resolve("synth.json");
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        try {
            JsonNode node = new ObjectMapper().readTree(manifest.toFile());
            return node != null && "inlierq synth".equals(node.path("generator").asText());
        } catch (IOException e) {
            return false;
        }
    }
}
