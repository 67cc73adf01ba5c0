package dev.inlierq.lidar;

import dev.inlierq.synth.Split;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link LidarDataset#generate}: the folder, whether it already held this exact generation (then
 * nothing was written), the splits written (those with at least one scene), and the wall time in seconds.
 */
public record LidarResult(Path folder, boolean reused, List<LidarSplitSummary> splits, double seconds) {
    public LidarResult {
        splits = List.copyOf(splits);
    }

    /** The summary of {@code split}, or null when it has no scene. */
    public LidarSplitSummary split(Split split) {
        return splits.stream().filter(s -> s.split() == split).findFirst().orElse(null);
    }

    /** The BEV images of {@code split} ({@code FOLDER/train} or {@code FOLDER/val}). */
    public Path images(Split split) {
        return folder.resolve(split.folderName());
    }

    /** The point files of {@code split} ({@code FOLDER/points/train} or {@code FOLDER/points/val}), when written. */
    public Path points(Split split) {
        return folder.resolve(LidarFiles.POINTS).resolve(split.folderName());
    }

    /** The COCO file of {@code split} ({@code FOLDER/instances_train.json} or {@code FOLDER/instances_val.json}). */
    public Path annotations(Split split) {
        return folder.resolve(split.annotationFileName());
    }
}
