package dev.inlierq.synth;

import dev.inlierq.report.OutputFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The synthetic detection benchmark: scenes of labelled shapes ({@link SynthClass}) with distractors, clutter,
 * occlusion, lighting changes, blur and noise, with COCO annotations of the visible boxes. See
 * {@code docs/synthetic.md} for what a scene holds.
 *
 * <p>Image {@code index} of a split is a pure function of the settings, the split and the index: its random
 * stream is SplitMix64 ({@link SplittableRandom}; G. L. Steele, D. Lea, C. H. Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014) seeded by mixing the seed, the split's stream id and the index with the
 * SplitMix64 finaliser.
 * So the output is the same bytes for the same settings on the same JDK, whatever the thread count, and
 * {@link #render} gives any image in memory without writing a folder (a trainer may draw indices past the
 * configured counts for fresh images).
 *
 * <p>{@link #generate} writes a folder:
 * <pre>
 *   FOLDER/train/000001.jpg ...      FOLDER/instances_train.json
 *   FOLDER/val/000001.jpg ...        FOLDER/instances_val.json
 *   FOLDER/synth.json                (the settings and what each split holds)
 * </pre>
 * A split with no image gets no folder and no file. For which folders are accepted see {@link SynthFolder}.
 */
public final class SynthDataset {
    private SynthDataset() {
    }

    /** Reports progress: {@code done} of {@code total} images of {@code split} written, in order. */
    @FunctionalInterface
    public interface Progress {
        void imageDone(Split split, int done, int total);

        Progress NONE = (split, done, total) -> { };
    }

    /** Image {@code index} ({@code >= 0}) of {@code split}: the picture and its labels, nothing written. */
    public static SynthImage render(SynthConfig config, Split split, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("image index must be at least 0, got " + index);
        }
        Scene scene = new SceneSampler(config).sample(random(config.seed(), split, index));
        return SceneRenderer.render(scene, config);
    }

    /**
     * Whether {@code folder} holds this exact generation, complete: its manifest records these settings and
     * {@code "complete": true}, and every file is there (then {@link #generate} would write nothing). Reads only.
     */
    public static boolean holds(SynthConfig config, Path folder) {
        try {
            return SynthFolder.prepare(folder, config).state() == SynthFolder.State.COMPLETE;
        } catch (dev.inlierq.error.UserError e) {
            return false;
        }
    }

    /** {@link #generate(SynthConfig, Path, Progress)} without progress reports. */
    public static SynthResult generate(SynthConfig config, Path folder) {
        return generate(config, folder, Progress.NONE);
    }

    /**
     * Writes the generation to {@code folder} (see the class comment), or leaves it as it is when it already holds
     * this exact generation ({@link SynthResult#reused()}).
     *
     * @throws dev.inlierq.error.UserError {@code OUTPUT_CONFLICT} when the folder is refused or cannot be written
     */
    public static SynthResult generate(SynthConfig config, Path folder, Progress progress) {
        long start = System.nanoTime();
        SynthFolder.Prepared prepared = SynthFolder.prepare(folder, config);
        if (prepared.state() == SynthFolder.State.COMPLETE) {
            return new SynthResult(folder, true, SynthFolder.summaries(prepared.manifest()), 0);
        }
        SynthFolder.writeManifest(folder, config, false, List.of());
        List<SplitSummary> splits = new ArrayList<>();
        try (GenerationPool pool = new GenerationPool(config.threads(), "inlierq-synth-")) {
            for (Split split : Split.values()) {
                if (config.images(split) > 0) {
                    splits.add(generateSplit(config, folder, split, pool, progress));
                }
            }
        }
        SynthFolder.writeManifest(folder, config, true, splits);
        return new SynthResult(folder, false, splits, (System.nanoTime() - start) / 1e9);
    }

    private record Written(List<SynthBox> boxes, int hidden) {
    }

    private static SplitSummary generateSplit(SynthConfig config, Path folder, Split split, GenerationPool pool,
            Progress progress) {
        int n = config.images(split);
        Path dir = folder.resolve(split.folderName());
        List<Written> written = pool.inOrder(n, index -> {
            SynthImage image = render(config, split, index);
            OutputFile.write(dir.resolve(CocoJson.fileName(index, config.format())),
                    ImageEncoder.encode(image.image(), config.format()));
            return new Written(image.boxes(), image.hidden());
        }, i -> progress.imageDone(split, i + 1, n));
        List<List<SynthBox>> boxes = new ArrayList<>(n);
        Map<String, Integer> perClass = new LinkedHashMap<>();
        config.classes().forEach(c -> perClass.put(c.cocoName(), 0));
        int total = 0;
        int hidden = 0;
        for (Written w : written) {
            boxes.add(w.boxes());
            total += w.boxes().size();
            hidden += w.hidden();
            w.boxes().forEach(b -> perClass.merge(b.cls().cocoName(), 1, Integer::sum));
        }
        OutputFile.write(folder.resolve(split.annotationFileName()), CocoJson.instances(config, split, boxes));
        return new SplitSummary(split, n, total, hidden, perClass);
    }

    /**
     * The random stream of one image: SplitMix64 seeded by mixing the seed, the split and the index (also the
     * stream of a scene of the LiDAR benchmark, {@code dev.inlierq.lidar}).
     */
    public static SplittableRandom random(long seed, Split split, int index) {
        long h = mix(seed + 0x9E3779B97F4A7C15L);
        h = mix(h ^ split.streamId() * 0xC2B2AE3D27D4EB4FL);
        h = mix(h + index);
        return new SplittableRandom(h);
    }

    /** The finaliser of SplitMix64 / MurmurHash3 (Stafford's variant 13). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
