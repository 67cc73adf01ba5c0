package dev.inlierq.lidar;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.synth.GenerationFolder;
import dev.inlierq.synth.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output folder of a LiDAR generation and its manifest {@code lidar.json}: the settings, whether the
 * generation completed, and per split the scene count, labelled boxes (in all and per class), objects left
 * unlabelled, and points per scene (mean, min, max).
 *
 * <p>The 2D benchmark's policy ({@link GenerationFolder}): a missing or empty folder is generated into; a folder whose
 * manifest holds the same settings is left as it is when complete with every file present, else generated again
 * over its own files; anything else (a non-empty folder without our manifest, or with other settings) is refused
 * with {@link ExitCode#OUTPUT_CONFLICT} and nothing is deleted. The manifest is written first with
 * {@code "complete": false} and last with {@code true}, atomically like every file ({@link OutputFile}).
 */
final class LidarFolder {
    static final String MANIFEST = "lidar.json";
    private static final String GENERATOR = "inlierq synth-lidar";
    private static final GenerationFolder FOLDER = new GenerationFolder(GENERATOR, "synth-lidar", MANIFEST);

    private LidarFolder() {
    }

    /**
     * The manifest of this generation in {@code folder}, or null when the folder is missing or empty.
     *
     * @throws UserError OUTPUT_CONFLICT when the folder is a file, or holds something else
     */
    static JsonNode accept(Path folder, LidarConfig config) {
        return FOLDER.accept(folder, config.settings());
    }

    /** Whether {@code manifest} (from {@link #accept}) says complete and every file of the generation is there. */
    static boolean complete(Path folder, LidarConfig config, JsonNode manifest) {
        if (manifest == null || !manifest.path("complete").asBoolean(false)) {
            return false;
        }
        for (Split split : Split.values()) {
            int n = config.scenes(split);
            if (n > 0 && !Files.isRegularFile(folder.resolve(split.annotationFileName()))) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (!Files.isRegularFile(folder.resolve(split.folderName()).resolve(LidarFiles.name(i, "png")))
                        || config.pointsOut() && !Files.isRegularFile(
                                folder.resolve(LidarFiles.POINTS).resolve(split.folderName())
                                        .resolve(LidarFiles.name(i, "bin")))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The manifest's content, serialised by Jackson in component order. */
    record Manifest(String generator, Map<String, Object> settings, boolean complete,
            Map<String, SplitEntry> splits) {
    }

    /** One split of the manifest. */
    record SplitEntry(int scenes, int boxes, int hidden,
            @JsonProperty("boxes_per_class") Map<String, Integer> boxesPerClass,
            @JsonProperty("points_per_scene") PointsEntry pointsPerScene) {
    }

    /** Returns per scene of a split, the mean to one decimal. */
    record PointsEntry(double mean, int min, int max) {
    }

    static void writeManifest(Path folder, LidarConfig config, boolean complete, List<LidarSplitSummary> splits) {
        Map<String, SplitEntry> bySplit = new LinkedHashMap<>();
        for (LidarSplitSummary s : splits) {
            bySplit.put(s.split().folderName(), new SplitEntry(s.scenes(), s.boxes(), s.hidden(), s.boxesPerClass(),
                    new PointsEntry(LidarLabels.round(s.meanPoints(), 10), s.minPoints(), s.maxPoints())));
        }
        JsonFiles.write(folder.resolve(MANIFEST), new Manifest(GENERATOR, config.settings(), complete, bySplit));
    }

    /** The split summaries a manifest records. */
    static List<LidarSplitSummary> summaries(JsonNode manifest) {
        List<LidarSplitSummary> out = new ArrayList<>();
        for (Split split : Split.values()) {
            JsonNode s = manifest.path("splits").path(split.folderName());
            if (s.isObject()) {
                Map<String, Integer> perClass = new LinkedHashMap<>();
                for (LidarClass c : LidarClass.values()) {
                    perClass.put(c.cocoName(), s.path("boxes_per_class").path(c.cocoName()).asInt());
                }
                JsonNode points = s.path("points_per_scene");
                out.add(new LidarSplitSummary(split, s.path("scenes").asInt(), s.path("boxes").asInt(),
                        s.path("hidden").asInt(), perClass, points.path("mean").asDouble(),
                        points.path("min").asInt(), points.path("max").asInt()));
            }
        }
        return out;
    }
}
