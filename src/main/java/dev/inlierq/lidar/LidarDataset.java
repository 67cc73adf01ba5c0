package dev.inlierq.lidar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inlierq.report.OutputFile;
import dev.inlierq.synth.GenerationPool;
import dev.inlierq.synth.ImageEncoder;
import dev.inlierq.synth.ImageFormat;
import dev.inlierq.synth.Split;
import dev.inlierq.synth.SynthDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The synthetic LiDAR benchmark: street scenes ({@link StreetSampler}) scanned by a simulated spinning LiDAR
 * ({@link RayCaster}), rasterised into bird's-eye-view images ({@link BevRaster}) with COCO labels
 * ({@link LidarLabels}), for 2D heatmap detectors run as CenterPoint-style BEV heads (T. Yin, X. Zhou,
 * P. Kraehenbuehl, "Center-based 3D Object Detection and Tracking", CVPR 2021). See {@code docs/lidar.md}.
 *
 * <p>Scene {@code index} of a split is a pure function of the settings, the split and the index: its random
 * stream is the 2D benchmark's ({@link SynthDataset#random}: SplitMix64 seeded with a mixed hash of the seed, the
 * split and the index), which draws the scene first, then the sensor noise. So the output is the same bytes for the
 * same settings on the same JDK and platform whatever the thread count, and {@link #render} gives any scene in
 * memory.
 *
 * <p>{@link #generate} writes a folder:
 * <pre>
 *   FOLDER/train/000001.png ...           FOLDER/instances_train.json
 *   FOLDER/val/000001.png ...             FOLDER/instances_val.json
 *   FOLDER/lidar.json                     (the settings, "complete", what each split holds)
 *   FOLDER/points/train/000001.bin ...    (with pointsOut: KITTI's float32 x, y, z, intensity)
 * </pre>
 * A split with no scene gets no folder and no file. For which folders are accepted see {@link LidarFolder}.
 */
public final class LidarDataset {
    private LidarDataset() {
    }

    /** Reports progress: {@code done} of {@code total} scenes of {@code split} written, in order. */
    @FunctionalInterface
    public interface Progress {
        void sceneDone(Split split, int done, int total);

        Progress NONE = (split, done, total) -> { };
    }

    /** Scene {@code index} ({@code >= 0}) of {@code split}: its points, BEV image and labels, nothing written. */
    public static LidarFrame render(LidarConfig config, Split split, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("scene index must be at least 0, got " + index);
        }
        SplittableRandom rng = SynthDataset.random(config.seed(), split, index);
        LidarScene scene = new StreetSampler(config).sample(rng);
        return render(scene, config, rng);
    }

    /** The frame of a given scene, its sensor noise drawn from {@code rng}. */
    static LidarFrame render(LidarScene scene, LidarConfig config, SplittableRandom rng) {
        return LidarLabels.frame(scene, new RayCaster(config.sensor()).scan(scene, rng), config);
    }

    /** Whether {@code folder} holds this exact generation, complete (then {@link #generate} writes nothing). */
    public static boolean holds(LidarConfig config, Path folder) {
        JsonNode manifest;
        try {
            manifest = LidarFolder.accept(folder, config);
        } catch (dev.inlierq.error.UserError refused) {
            return false;
        }
        return LidarFolder.complete(folder, config, manifest);
    }

    /** {@link #generate(LidarConfig, Path, Progress)} without progress reports. */
    public static LidarResult generate(LidarConfig config, Path folder) {
        return generate(config, folder, Progress.NONE);
    }

    /**
     * Writes the generation to {@code folder} (see the class comment), or leaves it as it is when it already holds
     * this exact generation ({@link LidarResult#reused()}).
     *
     * @throws dev.inlierq.error.UserError {@code OUTPUT_CONFLICT} when the folder is refused or cannot be written
     */
    public static LidarResult generate(LidarConfig config, Path folder, Progress progress) {
        long start = System.nanoTime();
        JsonNode manifest = LidarFolder.accept(folder, config);
        if (LidarFolder.complete(folder, config, manifest)) {
            return new LidarResult(folder, true, LidarFolder.summaries(manifest), 0);
        }
        LidarFolder.writeManifest(folder, config, false, List.of());
        List<LidarSplitSummary> summaries = new ArrayList<>();
        try (GenerationPool pool = new GenerationPool(config.threads(), "inlierq-lidar-")) {
            for (Split split : Split.values()) {
                if (config.scenes(split) > 0) {
                    summaries.add(writeSplit(config, folder, split, pool, progress));
                }
            }
        }
        LidarFolder.writeManifest(folder, config, true, summaries);
        return new LidarResult(folder, false, summaries, (System.nanoTime() - start) / 1e9);
    }

    /** What a written scene contributes to its split's annotations and summary. */
    private record Written(List<LidarBox> boxes, int hidden, int points) {
    }

    private static Written writeScene(LidarConfig config, Path folder, Split split, int index) {
        LidarFrame frame = render(config, split, index);
        OutputFile.write(folder.resolve(split.folderName()).resolve(LidarFiles.name(index, "png")),
                ImageEncoder.encode(frame.bev(), ImageFormat.PNG));
        if (config.pointsOut()) {
            OutputFile.write(folder.resolve(LidarFiles.POINTS).resolve(split.folderName())
                    .resolve(LidarFiles.name(index, "bin")), LidarFiles.points(frame));
        }
        return new Written(frame.boxes(), frame.hidden(), frame.points());
    }

    private static LidarSplitSummary writeSplit(LidarConfig config, Path folder, Split split, GenerationPool pool,
            Progress progress) {
        int n = config.scenes(split);
        List<Written> written = pool.inOrder(n, i -> writeScene(config, folder, split, i),
                i -> progress.sceneDone(split, i + 1, n));
        List<List<LidarBox>> boxes = new ArrayList<>(n);
        Map<String, Integer> perClass = new LinkedHashMap<>();
        for (LidarClass c : LidarClass.values()) {
            perClass.put(c.cocoName(), 0);
        }
        int hidden = 0;
        long points = 0;
        int fewest = Integer.MAX_VALUE;
        int most = 0;
        for (Written w : written) {
            boxes.add(w.boxes());
            w.boxes().forEach(b -> perClass.merge(b.cls().cocoName(), 1, Integer::sum));
            hidden += w.hidden();
            points += w.points();
            fewest = Math.min(fewest, w.points());
            most = Math.max(most, w.points());
        }
        OutputFile.write(folder.resolve(split.annotationFileName()), LidarCoco.instances(config, split, boxes));
        int total = boxes.stream().mapToInt(List::size).sum();
        return new LidarSplitSummary(split, n, total, hidden, perClass, (double) points / n, fewest, most);
    }
}
